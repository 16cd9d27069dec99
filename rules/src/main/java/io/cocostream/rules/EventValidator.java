package io.cocostream.rules;

import io.cocostream.mask.MaskScratch;
import io.cocostream.mask.Masks;
import io.cocostream.mask.Rle;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.CaptionsEvent;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.DensePoseAnnotation;
import io.cocostream.schemas.avro.DensePoseEvent;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.InstanceAnnotation;
import io.cocostream.schemas.avro.InstancesEvent;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.PanopticEvent;
import io.cocostream.schemas.avro.PanopticSegment;
import io.cocostream.schemas.avro.PersonKeypointsEvent;
import io.cocostream.schemas.avro.Provenance;
import io.cocostream.schemas.avro.RejectedAnnotation;
import io.cocostream.schemas.avro.RleMask;
import io.cocostream.schemas.avro.Severity;
import io.cocostream.schemas.avro.StuffEvent;
import io.cocostream.schemas.avro.ValidatedAnnotation;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.avro.ValidationStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import org.apache.avro.Schema;
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
    private final MaskScratch scratch = new MaskScratch();

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
        return check(event, categories, false).alerts();
    }

    /**
     * An event's alerts and, with {@code withMasks}, its instances', stuff's or panoptic segments'
     * annotations as validated: each with its recomputed mask and its status; and a {@code format}
     * alert for each annotation ingest rejected from the image.
     */
    public Result check(SpecificRecord event, IntFunction<Category> categories, boolean withMasks) {
        List<ValidationAlert> out = new ArrayList<>();
        List<ValidatedAnnotation> validated = new ArrayList<>();
        Provenance p = null;
        if (event instanceof InstancesEvent e) {
            instances(out, validated, withMasks, Kind.INSTANCES, e.getImage(), e.getAnnotations(), categories);
            p = e.getProvenance();
        } else if (event instanceof StuffEvent e) {
            instances(out, validated, withMasks, Kind.STUFF, e.getImage(), e.getAnnotations(), categories);
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
            if (withMasks) {
                for (PanopticSegment s : e.getAnnotations()) {
                    validated.add(segment(s, out));
                }
            }
            p = e.getProvenance();
        } else if (event instanceof DensePoseEvent e) {
            for (DensePoseAnnotation a : e.getAnnotations()) {
                out.addAll(others.densepose(a));
            }
            p = e.getProvenance();
        }
        List<ValidationAlert> rejected = rejected(event);
        if (p != null) {
            for (List<ValidationAlert> list : List.of(out, rejected)) {
                for (ValidationAlert a : list) {
                    a.setBatchId(p.getBatchId());
                    a.setSourceFile(p.getSourceFile());
                }
            }
        }
        return new Result(out, validated, rejected);
    }

    /**
     * An event's alerts; its annotations as validated when asked for (else empty); and the alerts
     * of the annotations ingest rejected from it, kept apart because {@code check} reports those from
     * their dead letters.
     */
    public record Result(List<ValidationAlert> alerts, List<ValidatedAnnotation> annotations,
            List<ValidationAlert> rejected) {
        /** The part's worst status: INVALID with any error alert or any annotation rejected. */
        public ValidationStatus status() {
            return rejected.isEmpty() ? EventValidator.status(alerts) : ValidationStatus.INVALID;
        }

        /** The ids of the annotations an error marks INVALID (rejected ones included, when their id is known). */
        public List<Long> invalidIds() {
            Set<Long> ids = new LinkedHashSet<>();
            for (List<ValidationAlert> list : List.of(alerts, rejected)) {
                for (ValidationAlert a : list) {
                    if (a.getAnnotationId() != null && counts(a) && a.getSeverity() == Severity.ERROR) {
                        ids.add(a.getAnnotationId());
                    }
                }
            }
            return new ArrayList<>(ids);
        }
    }

    /** Whether an alert counts towards a status now (an unknown category waits for its grace period). */
    private static boolean counts(ValidationAlert a) {
        return !a.getRule().equals(RuleIds.CATEGORY_EXISTS);
    }

    /** A {@code format} error for each annotation ingest dead-lettered from the event's image. */
    public static List<ValidationAlert> rejected(SpecificRecord event) {
        Schema.Field f = event.getSchema().getField("rejected");
        @SuppressWarnings("unchecked")
        List<RejectedAnnotation> rejected = f == null ? List.of() : (List<RejectedAnnotation>) event.get(f.pos());
        if (rejected.isEmpty()) {
            return List.of();
        }
        List<ValidationAlert> out = new ArrayList<>();
        long imageId = (Long) event.get(event.getSchema().getField("image_id").pos());
        Kind kind = Kind.ofEvent(event.getClass());
        for (RejectedAnnotation r : rejected) {
            String where = r.getJsonPath() + (r.getLine() == null ? "" : " (line " + r.getLine() + ", column "
                    + r.getColumn() + ")");
            out.add(ValidationAlert.newBuilder().setRule(RuleIds.FORMAT).setSeverity(Severity.ERROR).setImageId(imageId)
                    .setAnnotationId(r.getId()).setExpected("an annotation ingest can read")
                    .setActual("dead-lettered at " + where)
                    .setMessage("annotation " + (r.getId() == null ? "at " + where : r.getId())
                            + " was left out of the image: " + r.getReason())
                    .setJsonPath(r.getJsonPath()).setLine(r.getLine()).setColumn(r.getColumn())
                    .setKind(kind.id()).setDetectedAt(Instant.now()).build());
        }
        return out;
    }

    private void instances(List<ValidationAlert> out, List<ValidatedAnnotation> validated, boolean withMasks,
            Kind kind, Image image, List<InstanceAnnotation> anns, IntFunction<Category> categories) {
        Rle[] masks = new Rle[anns.size()];
        List<List<ValidationAlert>> each = new ArrayList<>(anns.size());
        for (int i = 0; i < anns.size(); i++) {
            each.add(instances.check(kind, anns.get(i), image, id -> categories.apply(id) != null));
            masks[i] = instances.lastMask();
        }
        instances.nearDuplicates(kind, anns, masks, each);
        for (int i = 0; i < anns.size(); i++) {
            InstanceAnnotation a = anns.get(i);
            List<ValidationAlert> alerts = each.get(i);
            out.addAll(alerts);
            if (withMasks) {
                Rle mask = masks[i];
                ValidatedAnnotation.Builder v = ValidatedAnnotation.newBuilder().setId(a.getId())
                        .setCategoryId(a.getCategoryId()).setIscrowd(a.getIscrowd()).setArea(a.getArea())
                        .setBbox(a.getBbox()).setSegmentation(a.getSegmentation());
                if (mask != null && mask.isComplete()) {
                    v.setMask(RleMask.newBuilder().setHeight(mask.h()).setWidth(mask.w())
                            .setCounts(Masks.toString(mask, scratch)).build());
                    v.setMaskArea(Masks.area(mask)).setMaskBbox(box(mask));
                }
                validated.add(status(v, alerts).build());
            }
        }
    }

    private ValidatedAnnotation segment(PanopticSegment s, List<ValidationAlert> alerts) {
        ValidatedAnnotation.Builder v = ValidatedAnnotation.newBuilder().setId(s.getId())
                .setCategoryId(s.getCategoryId()).setIscrowd(s.getIscrowd()).setArea(s.getArea())
                .setBbox(s.getBbox()).setMask(s.getMask());
        RleMask m = s.getMask();
        if (m != null && m.getCounts() != null) {
            try {
                Rle mask = Masks.frString(m.getCounts(), m.getHeight(), m.getWidth(), scratch);
                v.setMaskArea(Masks.area(mask)).setMaskBbox(box(mask));
            } catch (IllegalArgumentException e) {
                // the panoptic rules have alerted it; the view keeps the segment without recomputed numbers
            }
        }
        List<ValidationAlert> own = new ArrayList<>();
        for (ValidationAlert a : alerts) {
            if (a.getAnnotationId() != null && a.getAnnotationId() == s.getId()) {
                own.add(a);
            }
        }
        return status(v, own).build();
    }

    private static List<Double> box(Rle mask) {
        double[] bb = new double[4];
        Masks.toBbox(mask, bb, 0);
        return List.of(bb[0], bb[1], bb[2], bb[3]);
    }

    /** INVALID with any error, WARNING with only warnings; the rules that fired, each once. */
    private static ValidatedAnnotation.Builder status(ValidatedAnnotation.Builder v, List<ValidationAlert> alerts) {
        v.setStatus(status(alerts));
        v.setAlertRules(alerts.stream().map(ValidationAlert::getRule).distinct().toList());
        return v;
    }

    /**
     * The status a set of alerts gives. An unknown category does not count: the topology alerts it
     * only after a grace period (categories may arrive after their events), and must not mark a
     * view invalid in the meantime.
     */
    public static ValidationStatus status(List<ValidationAlert> alerts) {
        ValidationStatus s = ValidationStatus.VALID;
        for (ValidationAlert a : alerts) {
            if (!counts(a)) {
                continue;
            }
            if (a.getSeverity() == Severity.ERROR) {
                return ValidationStatus.INVALID;
            }
            if (a.getSeverity() == Severity.WARNING) {
                s = ValidationStatus.WARNING;
            }
        }
        return s;
    }
}
