package io.cocostream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The polygon annotations of a real COCO file, with their images' sizes, loaded once per benchmark. */
final class RealPolygons {
    /** One annotation: its polygon parts and image size. */
    record Ann(double[][] parts, int h, int w) {}

    /** The shared COCO folder; -Dcoco.dir overrides (run from the project root by default). */
    static Path coco() {
        String dir = System.getProperty("coco.dir");
        if (dir != null) {
            return Path.of(dir);
        }
        for (Path p : List.of(Path.of("../shared/coco"), Path.of("../../shared/coco"))) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("../shared/coco not found: run from the project root or set -Dcoco.dir");
    }

    static List<Ann> load(String relative) throws IOException {
        JsonNode root = new ObjectMapper().readTree(coco().resolve(relative).toFile());
        Map<Long, int[]> sizes = new HashMap<>();
        for (JsonNode img : root.get("images")) {
            sizes.put(img.get("id").asLong(), new int[] {img.get("height").asInt(), img.get("width").asInt()});
        }
        List<Ann> out = new ArrayList<>();
        for (JsonNode a : root.get("annotations")) {
            JsonNode seg = a.get("segmentation");
            if (!seg.isArray()) {
                continue;
            }
            double[][] parts = new double[seg.size()][];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = new double[seg.get(i).size()];
                for (int j = 0; j < parts[i].length; j++) {
                    parts[i][j] = seg.get(i).get(j).asDouble();
                }
            }
            int[] hw = sizes.get(a.get("image_id").asLong());
            out.add(new Ann(parts, hw[0], hw[1]));
        }
        return out;
    }
}
