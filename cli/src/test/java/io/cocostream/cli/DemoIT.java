package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's first quick-start command, run in-process. */
class DemoIT {

    @Test
    void demoOnceExitsZeroAndSaysWhatItDid() {
        PrintStream stdout = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = Cocostream.run("demo", "--once", "--samples", "../samples");
        } finally {
            System.setOut(stdout);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("registered " + io.cocostream.schemas.Topics.ALL.size() + " schemas"), out);
        assertEquals(6, out.lines().filter(l -> l.contains("ingested") && l.contains("COMPLETE")).count(), out);
        assertTrue(out.contains("3 error alert(s) on the sample with deliberate mistakes (expected 3), 0 on the clean samples"), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("getImgIds: ") && l.matches(".*: (\\d+) images \\(expected \\1\\).*")), out);
        assertTrue(out.contains("demo done"), out);
    }
}
