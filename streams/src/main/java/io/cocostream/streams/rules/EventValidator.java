package io.cocostream.streams.rules;

import io.cocostream.schemas.avro.CaptionsEvent;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.DensePoseAnnotation;
import io.cocostream.schemas.avro.DensePoseEvent;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.InstanceAnnotation;
import io.cocostream.schemas.avro.InstancesEvent;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.PanopticEvent;
import io.cocostream.schemas.avro.PersonKeypointsEvent;
import io.cocostream.schemas.avro.Provenance;
import io.cocostream.schemas.avro.StuffEvent;
import io.cocostream.schemas.avro.ValidationAlert;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every rule of every per-image event, one entry point for {@code check} and the topology: which
 * rules apply is decided by the event's type; alerts carry the event's batch and source file.
 * Not thread-safe (rules keep scratch buffers): one per stream thread.
 */
public final class EventValidator {
    private final InstanceRules instances;
    private final KeypointRules keypoints;
    private final OtherRules others;

    public EventValidator(Tolerances tol) {
        this.instances = new InstanceRules(tol);
        this.keypoints = new KeypointRules(tol);
        this.others = new OtherRules(tol);
    }

    /**
     * The alerts of one event.
     *
     * @param categories the event kind's category by id, null when unknown
     */
    public List<ValidationAlert> validate(SpecificRecord event, IntFunction<Category> categories) {
        List<ValidationAlert> out = new ArrayList<>();
        Provenance p = null;
        if (event instanceof InstancesEvent e) {
            instances(out, "instances", e.getImage(), e.getAnnotations(), categories);
            p = e.getProvenance();
        } else if (event instanceof StuffEvent e) {
            instances(out, "stuff", e.getImage(), e.getAnnotations(), categories);
            p = e.getProvenance();
        } else if (event instanceof PersonKeypointsEvent e) {
            for (KeypointAnnotation a : e.getAnnotations()) {
                out.addAll(keypoints.check(a, e.getImage(), categories));
            }
            p = e.getProvenance();
        } else if (event instanceof CaptionsEvent e) {
            out.addAll(others.captions(e.getImageId(), e.getAnnotations()));
            p = e.getProvenance();
        } else if (event instanceof PanopticEvent e) {
            out.addAll(others.panoptic(e, categories));
            p = e.getProvenance();
        } else if (event instanceof DensePoseEvent e) {
            for (DensePoseAnnotation a : e.getAnnotations()) {
                out.addAll(others.densepose(a));
            }
            p = e.getProvenance();
        }
        if (p != null) {
            for (ValidationAlert a : out) {
                a.setBatchId(p.getBatchId());
                a.setSourceFile(p.getSourceFile());
            }
        }
        return out;
    }

    private void instances(List<ValidationAlert> out, String kind, Image image, List<InstanceAnnotation> anns,
            IntFunction<Category> categories) {
        for (InstanceAnnotation a : anns) {
            out.addAll(instances.check(kind, a, image, id -> categories.apply(id) != null));
        }
    }
}
