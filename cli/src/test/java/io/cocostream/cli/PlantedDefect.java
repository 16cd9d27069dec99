package io.cocostream.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;

/** The shared instances file with its first annotation's area 5% too large (an area.polygon error), as a vendor would send it. */
record PlantedDefect(Path file, int images, long imageId, long annotationId) {
    static PlantedDefect wrongArea(Path dir, String name) throws IOException {
        ObjectNode root = (ObjectNode) SharedData.readJson("instances/instances_val2017_mini.json");
        ObjectNode bad = (ObjectNode) root.get("annotations").get(0);
        bad.put("area", bad.get("area").asDouble() * 1.05);
        Path file = dir.resolve(name);
        SharedData.JSON.writeValue(file.toFile(), root);
        return new PlantedDefect(file, root.get("images").size(), bad.get("image_id").asLong(), bad.get("id").asLong());
    }
}
