package io.cocostream.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.BatchStatus;
import io.cocostream.synth.Synth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Synthetic files of every kind are deterministic, detected as their kind, and ingest cleanly. */
class SynthTest {

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyKindIsDeterministicAndIngestsWithoutDeadLetters(Kind kind, @TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        Synth.write(kind, 40, 7, a);
        Synth.write(kind, 40, 7, b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "same seed, same file");
        assertEquals(kind, KindDetector.detect(a));
        MemorySink.Log log = new MemorySink.Log();
        Ingest.Result r = IngestTest.ingest(a, log, Integer.MAX_VALUE, 16);
        assertEquals(0, r.deadLetters(), r.firstError());
        assertEquals(BatchStatus.COMPLETE, r.status());
        if (kind != Kind.RESULTS) {
            assertEquals(40, r.images());
        }
    }
}
