package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cocostream masks} as a user runs it: the packaged jar in a small heap, exit codes. */
class MasksCommandIT {

    private static Process run(Path out, String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-jar", "target/cocostream.jar", "masks"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    void printsOneLinePerAnnotationAndExitsZero(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.jsonl");
        Process p = run(out, SharedData.coco().resolve("instances/instances_val2017_mini.json").toString());
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue());
        assertEquals(624, Files.readAllLines(out, StandardCharsets.UTF_8).size());
    }

    @Test
    void anUnencodableAnnotationMakesTheExitCodeOne(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"images\":[{\"id\":1,\"height\":4,\"width\":4}],"
                + "\"annotations\":[{\"id\":7,\"image_id\":1,\"category_id\":1,\"segmentation\":[[1,1,2,2]]}]}");
        Path out = dir.resolve("out.jsonl");
        Process p = run(out, bad.toString());
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(1, p.exitValue());
        assertEquals(true, Files.readString(out).contains("\"error\""));
    }
}
