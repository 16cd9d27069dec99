package io.cocostream.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Set;

/**
 * Tells a file's kind from its content: a bare array is a results file; otherwise the first
 * annotation's fields decide (segments_info, caption, dp_I/dp_masks, keypoints), and for plain
 * instances the categories tell COCO-Stuff (only ids from 92) from things.
 */
public final class KindDetector {
    private KindDetector() {}

    /** Reads as little of the file as it can: the first annotation and the categories. */
    public static Kind detect(Path file) {
        JsonNode[] first = new JsonNode[1];
        boolean[] bare = new boolean[1];
        int[] minCategory = {Integer.MAX_VALUE};
        boolean[] keypointCategory = new boolean[1];
        new CocoJsonReader(file).scan(Set.of("annotations", "categories", CocoJsonReader.RESULTS), new CocoJsonReader.ElementHandler() {
            @Override
            public void element(String section, long index, JsonNode e, Location at) {
                if (section.equals("categories")) {
                    minCategory[0] = Math.min(minCategory[0], e.path("id").asInt(Integer.MAX_VALUE));
                    keypointCategory[0] |= e.has("keypoints");
                } else if (first[0] == null) {
                    first[0] = e;
                    bare[0] = section.equals(CocoJsonReader.RESULTS);
                }
            }

            @Override
            public boolean wants(String section, long index) {
                // Only the first annotation is needed; categories are few.
                return section.equals("categories") || index == 0;
            }
        });
        if (bare[0]) {
            return Kind.RESULTS;
        }
        JsonNode a = first[0];
        if (a != null) {
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
        } else if (keypointCategory[0]) {
            return Kind.PERSON_KEYPOINTS;
        }
        // COCO-Stuff files list only stuff classes (92..182, 183 "other"); instances list things from 1.
        boolean stuffOnly = minCategory[0] != Integer.MAX_VALUE && minCategory[0] >= Kind.FIRST_STUFF_CATEGORY;
        return stuffOnly ? Kind.STUFF : Kind.INSTANCES;
    }
}
