package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cocostream.schemas.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The k8s manifests and the image as the command they run would see them. */
class DeployManifestsTest {
    private static final Path K8S = Path.of("..", "k8s");
    private static final String IMAGE_DIR = "/opt/cocostream/";
    private static final Pattern NAME = Pattern.compile("(\\d{3})-([A-Za-z]+)-([a-z0-9-]+)\\.yaml");

    static List<Path> manifests() throws IOException {
        try (Stream<Path> s = Files.list(K8S)) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void eachManifestIsNamedByItsKindAndNameInApplyOrder() throws IOException {
        List<Path> files = manifests();
        assertTrue(files.size() >= 5, files.toString());
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        for (Path f : files) {
            Matcher m = NAME.matcher(f.getFileName().toString());
            assertTrue(m.matches(), f + " is not NNN-Kind-name.yaml");
            JsonNode doc = yaml.readTree(f.toFile());
            assertEquals(m.group(2), doc.path("kind").asText(), f + ": kind");
            assertEquals(m.group(3), doc.path("metadata").path("name").asText(), f + ": metadata.name");
            if (!m.group(2).equals("Namespace")) {
                assertEquals("cocostream", doc.path("metadata").path("namespace").asText(), f + ": namespace");
            }
        }
        assertTrue(files.get(0).getFileName().toString().startsWith("000-Namespace-"), "the namespace comes first");
    }

    @Test
    void everyContainerCommandParsesAndEveryVariableIsRead() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        int commands = 0;
        int jvmOptions = 0;
        for (Path f : manifests()) {
            JsonNode doc = yaml.readTree(f.toFile());
            for (JsonNode c : doc.path("spec").path("template").path("spec").path("containers")) {
                List<String> args = new ArrayList<>();
                c.path("args").forEach(a -> args.add(a.asText().replaceAll("\\$\\([A-Z_]+\\)", "pod-0")));
                assertFalse(args.isEmpty(), f + ": a container without a cocostream command");
                // Throws on an unknown subcommand or option, or a bad value.
                new CommandLine(new Cocostream()).parseArgs(args.toArray(String[]::new));
                commands++;
                for (JsonNode e : c.path("env")) {
                    String name = e.path("name").asText();
                    assertTrue(!name.startsWith("COCOSTREAM_") || KnownEnv.isRead(name), f + ": " + name + " is not read");
                    if (e.path("name").asText().equals("JDK_JAVA_OPTIONS")) {
                        // The image holds cli/jvm/ under IMAGE_DIR (see the Dockerfile test below).
                        String options = e.path("value").asText();
                        assertTrue(options.startsWith("@" + IMAGE_DIR), f + ": " + options);
                        Path file = Path.of("jvm", options.substring(IMAGE_DIR.length() + 1));
                        assertTrue(Files.isRegularFile(file), f + ": " + options + " is not a file of cli/jvm/");
                        jvmOptions++;
                    }
                }
            }
            for (JsonNode v : doc.path("data").isMissingNode() ? List.<JsonNode>of() : List.of(doc.path("data"))) {
                v.fieldNames().forEachRemaining(name -> assertTrue(KnownEnv.isRead(name), f + ": " + name + " is not read"));
            }
        }
        assertEquals(2, commands, "serve and ingest");
        // What "read" means can fail: a misspelt client setting, a variable nothing reads.
        assertFalse(KnownEnv.isRead("COCOSTREAM_KAFKA_SASL_MECHANSIM"));
        assertFalse(KnownEnv.isRead("COCOSTREAM_THREADS"));
        assertTrue(KnownEnv.isRead("COCOSTREAM_ROCKSDB_MEMORY_MB"), "an option's ${env:...} default");
        assertEquals(1, jvmOptions, "ingest runs with its own JVM options");
    }

    @Test
    void theImageTrustsTheGeneratedAvroPackageAndRunsTheJar() throws IOException {
        String dockerfile = Files.readString(Path.of("..", "deploy", "Dockerfile"));
        assertTrue(dockerfile.contains("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.cocostream.schemas.avro"), dockerfile);
        assertTrue(dockerfile.contains("COPY cli/target/cocostream.jar " + IMAGE_DIR), dockerfile);
        assertTrue(dockerfile.contains("COPY cli/jvm/ " + IMAGE_DIR + "\n"), dockerfile);
        assertTrue(dockerfile.contains("USER 10001"), "not root");
    }
}
