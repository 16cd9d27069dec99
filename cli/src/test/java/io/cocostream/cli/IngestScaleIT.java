package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cocostream.embedded.KafkaStack;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.synth.Synth;
import io.cocostream.testing.EmbeddedStackExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Memory bounded by the largest image, not by the file, as a vendor's job meets it: a synthetic
 * instances file the size of train2017 (about 445 MB, annotations not sorted by image), and one
 * four times that size, each ingested by {@code cocostream ingest} in a JVM of its own with the
 * options the launcher and the container give ingest ({@code cli/jvm/ingest.options}) and
 * {@code -Xmx256m}: the batch completes with every image and annotation of the file. It takes about
 * 2.5 minutes on two cores and 4.4 GB of temporary disk at its peak (file, spill, broker log).
 */
@ExtendWith(EmbeddedStackExtension.class)
class IngestScaleIT {

    @ParameterizedTest(name = "{0} images")
    @ValueSource(ints = {118_287, 4 * 118_287})
    void aTrainSizeFileAndOneFourTimesLargerIngestIn256Mb(int images, KafkaStack stack, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("instances_" + images + ".json");
        Synth.write(Kind.INSTANCES, images, 1, file);
        long annotations = countAnnotations(file);
        TopicAdmin.ensure(stack.clientConfig(), 6, Optional.empty());
        Process ingest = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@jvm/ingest.options", "-Xmx256m",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.cocostream", "-cp", System.getProperty("java.class.path"),
                Cocostream.class.getName(), "ingest", "--bootstrap-servers", stack.bootstrapServers(),
                "--schema-registry-url", stack.schemaRegistryUrl(), "--spill-dir", dir.toString(), file.toString())
                .redirectErrorStream(true).start();
        String out = new String(ingest.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, ingest.waitFor(), out);
        assertTrue(out.contains(images + " images, " + annotations + " annotations, 80 categories, 0 dead letters, COMPLETE"), out);
        Files.delete(file);
    }

    /** The annotations of a file, counted with Jackson's token API (not with what is under test). */
    private static long countAnnotations(Path file) throws IOException {
        long n = 0;
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean annotations = p.currentName().equals("annotations");
                p.nextToken();
                if (annotations) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        p.skipChildren();
                        n++;
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return n;
    }
}
