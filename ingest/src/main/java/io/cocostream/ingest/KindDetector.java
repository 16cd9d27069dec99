package io.cocostream.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.schemas.Kind;
import java.nio.file.Path;
import java.util.Set;

/**
 * Tells a file's kind from its content, reading only up to its first annotation: a bare array is
 * a results file; otherwise the first annotation's fields decide (segments_info, caption,
 * dp_I/dp_masks, keypoints), and its category tells COCO-Stuff (stuff classes from 92) from
 * instances. A file without annotations is person keypoints if its categories have keypoints.
 */
public final class KindDetector {
    private KindDetector() {}

    /** Stops the scan once the first annotation is in hand. */
    private static final class Found extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Found() {
            super(null, null, false, false);
        }
    }

    public static Kind detect(Path file) {
        JsonNode[] first = new JsonNode[1];
        boolean[] bare = new boolean[1];
        boolean[] keypointCategory = new boolean[1];
        try {
            new CocoJsonReader(file).scan(Set.of("annotations", "categories", CocoJsonReader.RESULTS), (s, i, e, at) -> {
                if (s.equals("categories")) {
                    keypointCategory[0] |= e.has("keypoints");
                    return;
                }
                first[0] = e;
                bare[0] = s.equals(CocoJsonReader.RESULTS);
                throw new Found();
            });
        } catch (Found | CocoFormatException e) {
            // Found: done early. Malformed: decide from what was read; ingest reports the error itself.
        }
        if (bare[0]) {
            return Kind.RESULTS;
        }
        JsonNode a = first[0];
        if (a == null) {
            return keypointCategory[0] ? Kind.PERSON_KEYPOINTS : Kind.INSTANCES;
        }
        if (a.has("segments_info")) {
            return Kind.PANOPTIC;
        }
        if (a.has("caption")) {
            return Kind.CAPTIONS;
        }
        if (a.has("dp_I") || a.has("dp_masks")) {
            return Kind.DENSEPOSE;
        }
        if (a.has("keypoints")) {
            return Kind.PERSON_KEYPOINTS;
        }
        return a.path("category_id").asInt() >= Kind.FIRST_STUFF_CATEGORY ? Kind.STUFF : Kind.INSTANCES;
    }
}
