package io.cocostream.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Image id → height and width, read in one streaming pass over a file's {@code images}. */
public final class ImageSizes {
    private final Map<Long, Long> sizes = new HashMap<>();

    /** Reads the images of a COCO file (none for a results file). */
    public static ImageSizes of(Path file) {
        ImageSizes s = new ImageSizes();
        new CocoJsonReader(file).scan(Set.of("images"), (section, i, img, at) -> s.add(img, at));
        return s;
    }

    void add(JsonNode img, Location at) {
        long id = Json.requireLong(img, "id", at);
        int h = Json.requireInt(img, "height", at);
        int w = Json.requireInt(img, "width", at);
        sizes.put(id, ((long) h << 32) | (w & 0xffffffffL));
    }

    /** Whether the image is known. */
    public boolean contains(long imageId) {
        return sizes.containsKey(imageId);
    }

    /** Height of a known image. */
    public int height(long imageId) {
        return (int) (sizes.get(imageId) >> 32);
    }

    /** Width of a known image. */
    public int width(long imageId) {
        return (int) (long) sizes.get(imageId);
    }
}
