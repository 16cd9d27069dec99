package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.embedded.KafkaStack;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.KafkaSink;
import io.cocostream.streams.query.ApiSecurity;
import io.cocostream.testing.EmbeddedStackExtension;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} hardened, two instances as processes: HTTPS only, basic and bearer auth on every path
 * but the probes and /metrics, {@code /internal/} for the instances only (they forward to each
 * other over TLS with their shared secret), and an over-long URL answered 414.
 */
@ExtendWith(EmbeddedStackExtension.class)
class ServeSecurityIT {
    private static final String PASSWORD = "keystore-pass";

    @Test
    void twoInstancesOverTlsAnswerOnlyTheirCallersAndEachOther(KafkaStack stack, @TempDir Path dir) throws Exception {
        // Given two serve instances with one keystore, one auth file and one internal secret
        Path keystore = dir.resolve("serve.p12");
        Path truststore = dir.resolve("trust.p12");
        Certificates.selfSigned(keystore, truststore, PASSWORD);
        Path auth = dir.resolve("auth");
        Files.writeString(auth, "# who may call\nbasic qa s3cret\nbearer ml-team-token\n");
        int[] ports = {CommandLines.freePort(), CommandLines.freePort()};
        List<ChildJvm> serves = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                serves.add(ChildJvm.start(dir.resolve("serve-" + i + ".log"), CommandLines.concat(new String[] {"serve",
                    "--application-id", "serve-security-it", "--threads", "1", "--port", String.valueOf(ports[i]),
                    "--state-dir", dir.resolve("state-" + i).toString(), "--tls-keystore", keystore.toString(),
                    "--tls-keystore-password", PASSWORD, "--auth-file", auth.toString(), "--internal-secret", "shared-secret"},
                        CommandLines.connection(stack, 2))));
            }
            for (ChildJvm s : serves) {
                s.awaitOutput("COCO API on https://", Duration.ofSeconds(90));
            }
            HttpClient https = HttpClient.newBuilder().sslContext(trusting(truststore)).build();
            String basic = "Basic " + Base64.getEncoder().encodeToString("qa:s3cret".getBytes(StandardCharsets.UTF_8));

            // When a delivery is ingested
            JsonNode input = SharedData.readJson("instances/instances_val2017_mini.json");
            Ingest.run(Ingest.Options.of(SharedData.coco().resolve("instances/instances_val2017_mini.json")),
                    b -> new KafkaSink(stack.clientConfig(), b), new Ingest.Progress() { });
            Set<Long> images = new TreeSet<>();
            input.get("images").forEach(im -> images.add(im.get("id").asLong()));

            // Then each instance answers every image to a caller with credentials, forwarding to the other over TLS
            for (int port : ports) {
                String url = "https://127.0.0.1:" + port;
                JsonNode ids = awaitAll(https, url + "/coco/getImgIds", basic, images.size());
                Set<Long> got = new TreeSet<>();
                ids.forEach(n -> got.add(n.asLong()));
                assertEquals(images, got);
                assertEquals(images.size(), json(https, url + "/coco/loadImgs?ids=" + join(images), "Bearer ml-team-token").size(),
                        "loadImgs reads each image's view where it is: half of them from the other instance");
                // and refuses the rest
                HttpResponse<String> anonymous = get(https, url + "/coco/getImgIds", null);
                assertEquals(401, anonymous.statusCode(), anonymous.body());
                assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic "));
                assertEquals(401, get(https, url + "/coco/getImgIds", "Bearer guess").statusCode());
                assertEquals(401, get(https, url + "/", "Basic " + Base64.getEncoder().encodeToString("qa:guess".getBytes(
                        StandardCharsets.UTF_8))).statusCode(), "the QA page too");
                assertEquals(403, get(https, url + "/internal/images?kind=instances", basic).statusCode(),
                        "a caller's credentials are not an instance's secret");
                HttpResponse<String> stranger = https.send(HttpRequest.newBuilder(URI.create(url + "/internal/images"))
                        .header(ApiSecurity.INTERNAL_HEADER, "guess").build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(403, stranger.statusCode());
                // the probes and the scrape need nothing
                assertEquals(200, get(https, url + "/healthz", null).statusCode());
                assertEquals(200, get(https, url + "/metrics", null).statusCode());
                // an over-long URL is answered, 414
                String longUrl = url + "/coco/getImgIds?imgIds=" + "1234567,".repeat(100_000);
                assertEquals(414, get(https, longUrl, basic).statusCode());
                // and nothing is served in plain HTTP
                HttpClient plain = HttpClient.newHttpClient();
                assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/healthz")).build(), HttpResponse.BodyHandlers.ofString()));
            }
            System.out.printf("two instances over TLS: %d images from each, 401 without credentials, 403 on /internal/"
                    + " without the secret, 414 for an 800 KB URL%n", images.size());
        } finally {
            serves.forEach(ChildJvm::terminate);
            for (ChildJvm s : serves) {
                s.close();
            }
        }
    }

    private static JsonNode awaitAll(HttpClient https, String url, String auth, int size) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get(https, url, auth);
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200) {
                JsonNode n = SharedData.JSON.readTree(r.body());
                if (n.size() == size) {
                    return n;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError(url + " did not answer all " + size + " images within 90 s: " + last);
    }

    private static JsonNode json(HttpClient https, String url, String auth) throws Exception {
        HttpResponse<String> r = get(https, url, auth);
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return SharedData.JSON.readTree(r.body());
    }

    private static HttpResponse<String> get(HttpClient client, String url, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String join(Set<Long> ids) {
        return String.join(",", ids.stream().map(String::valueOf).toList());
    }

    private static SSLContext trusting(Path truststore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(truststore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
