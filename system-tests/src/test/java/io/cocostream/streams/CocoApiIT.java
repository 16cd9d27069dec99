package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.embedded.KafkaStack;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.KafkaSink;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.streams.clients.Exporter;
import io.cocostream.streams.clients.Retractions;
import io.cocostream.streams.clients.TopicViews;
import io.cocostream.streams.query.ApiSecurity;
import io.cocostream.streams.query.CocoApiServer;
import io.cocostream.testing.EmbeddedStackExtension;
import io.cocostream.testing.SharedData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two app instances on the in-process broker, each serving the COCO API: both answer for every
 * key (a key held by the other is forwarded), a retraction reaches the answers, and export from
 * the view topics gives the ingested file back.
 */
@ExtendWith(EmbeddedStackExtension.class)
class CocoApiIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String KEYPOINTS = "person_keypoints/person_keypoints_val2017_mini.json";

    @Test
    void twoInstancesAnswerForAllKeys(KafkaStack stack, @TempDir Path dir) throws Exception {
        TopicAdmin.ensure(stack.clientConfig(), 4, Optional.empty());
        Path file = SharedData.coco().resolve("instances/instances_val2017_mini.json");
        JsonNode input = SharedData.readJson("instances/instances_val2017_mini.json");
        List<KafkaStreams> apps = new ArrayList<>();
        List<CocoApiServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                int port = freePort();
                Properties p = StreamsApp.config(stack.clientConfig(), "coco-api-it", 1);
                p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port);
                p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state-" + i).toString());
                KafkaStreams app = StreamsApp.start(stack.clientConfig(), p);
                apps.add(app);
                servers.add(CocoApiServer.start(app, new HostInfo("127.0.0.1", port), "127.0.0.1", port));
            }
            long sent = System.nanoTime();
            Ingest.Result r = Ingest.run(Ingest.Options.of(file), b -> new KafkaSink(stack.clientConfig(), b),
                    new Ingest.Progress() { });
            Set<Long> images = new TreeSet<>();
            input.get("images").forEach(im -> images.add(im.get("id").asLong()));

            for (CocoApiServer s : servers) {
                JsonNode ids = await(s, "/coco/getImgIds", n -> n.size() == images.size());
                assertEquals(images, longs(ids));
            }
            System.out.printf("all %d images answered by both instances %.2f s after ingest began%n", images.size(),
                    (System.nanoTime() - sent) / 1e9);
            // /internal/ answers instances only
            HttpResponse<String> stranger = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + servers.get(0).port() + "/internal/images?kind=instances")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, stranger.statusCode(), stranger.body());
            // Each instance holds part of the images: the other part is forwarded.
            Set<Long> first = entryIds(get(servers.get(0), "/internal/images?kind=instances"));
            Set<Long> second = entryIds(get(servers.get(1), "/internal/images?kind=instances"));
            assertTrue(!first.isEmpty() && !second.isEmpty(), "both instances hold images: " + first.size() + "/" + second.size());
            Set<Long> union = new TreeSet<>(first);
            union.addAll(second);
            assertEquals(images, union);

            List<JsonNode> anns = StreamSupport.stream(input.get("annotations").spliterator(), false).toList();
            String annIds = anns.stream().map(a -> a.get("id").asText()).collect(Collectors.joining(","));
            String imgIds = images.stream().map(String::valueOf).collect(Collectors.joining(","));
            for (CocoApiServer s : servers) {
                // the annotation-id index is fed through its own repartition: it may trail the image views a moment
                JsonNode loaded = await(s, "/coco/loadAnns?ids=" + annIds, n -> n.size() == anns.size());
                for (int i = 0; i < anns.size(); i++) {
                    assertNull(RoundTripTest.diff("loadAnns", anns.get(i), loaded.get(i)));
                }
                assertEquals(images.size(), get(s, "/coco/loadImgs?ids=" + imgIds).size());
                assertEquals(anns.size(), get(s, "/coco/getAnnIds").size());
                assertEquals(input.get("categories").size(), get(s, "/coco/loadCats?ids="
                        + longs(get(s, "/coco/getCatIds")).stream().map(String::valueOf).collect(Collectors.joining(","))).size());
                long otherImage = (s == servers.get(0) ? second : first).iterator().next();
                String svg = text(s, "/coco/showAnns?imgId=" + otherImage);
                assertTrue(svg.startsWith("<svg") && svg.contains("image " + otherImage), svg);
                assertEquals(404, status(s, "/coco/loadImgs?ids=-1"));
                assertEquals(200, status(s, "/healthz"));
                assertEquals(200, status(s, "/livez"));
                assertEquals(400, status(s, "/coco/getAnnIds?imgIds=x"));
                assertEquals(400, status(s, "/coco/getAnnIds?imgIds=%00"), "a control character is no number, not no filter");
                assertEquals(414, status(s, "/coco/getAnnIds?imgIds=" + "1,".repeat(150_000)));
            }

            // A delivery to running instances shows in the answers (time printed for the record, not asserted).
            long captionsSent = System.nanoTime();
            Ingest.run(Ingest.Options.of(SharedData.coco().resolve("captions/captions_val2017_mini.json")),
                    b -> new KafkaSink(stack.clientConfig(), b), new Ingest.Progress() { });
            long ingested = System.nanoTime();
            await(servers.get(1), "/coco/getImgIds?kind=captions", n -> n.size() == images.size());
            System.out.printf("captions delivery: ingest %.2f s, then in the API %.2f s later%n",
                    (ingested - captionsSent) / 1e9, (System.nanoTime() - ingested) / 1e9);

            // Export from the view topics gives the file back.
            Path out = dir.resolve("export.json");
            Exporter.export(Kind.INSTANCES, new TopicViews(stack.clientConfig(), Exporter.topicOf(Kind.INSTANCES)),
                    TopicViews.categories(stack.clientConfig()), out, null, false);
            JsonNode back = SharedData.JSON.readTree(out.toFile());
            assertEquals(images.size(), back.get("images").size());
            assertEquals(anns.size(), back.get("annotations").size());

            // Retracting the batch empties every instance's answers.
            Retractions.batch(stack.clientConfig(), r.batchId(), "test", "it");
            for (CocoApiServer s : servers) {
                assertEquals(0, await(s, "/coco/getImgIds", n -> n.size() == 0).size());
                assertEquals(images.size(), get(s, "/coco/getImgIds?kind=captions").size(), "another batch stays");
            }
        } finally {
            servers.forEach(CocoApiServer::close);
            apps.forEach(KafkaStreams::close);
        }
    }

    /** The first 200 answer of {@code path} that {@code done} accepts, asked every 100 ms for up to a minute. */
    static JsonNode await(CocoApiServer s, String path, java.util.function.Predicate<JsonNode> done)
            throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> r = send(s, path);
            if (r.statusCode() == 200) {
                last = SharedData.JSON.readTree(r.body());
                if (done.test(last)) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no answer as expected from " + path + " within 60 s; last " + last);
    }

    @Test
    void whileARestartedInstanceRestoresEveryCallIsA503NeverAWrongAnswer(KafkaStack stack, @TempDir Path dir)
            throws Exception {
        TopicAdmin.ensure(stack.clientConfig(), 4, Optional.empty());
        JsonNode input = SharedData.readJson(KEYPOINTS);
        String imgIds = StreamSupport.stream(input.get("images").spliterator(), false).map(im -> im.get("id").asText())
                .collect(Collectors.joining(","));
        String annIds = StreamSupport.stream(input.get("annotations").spliterator(), false).map(a -> a.get("id").asText())
                .collect(Collectors.joining(","));
        // Keypoints: the other test's instances and its retraction are not this one's.
        int port = freePort();
        Properties p = StreamsApp.config(stack.clientConfig(), "coco-api-restart-it", 1);
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port);
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        KafkaStreams app = StreamsApp.start(stack.clientConfig(), p);
        try (CocoApiServer s = CocoApiServer.start(app, new HostInfo("127.0.0.1", port), "127.0.0.1", port)) {
            Ingest.run(Ingest.Options.of(SharedData.coco().resolve(KEYPOINTS)),
                    b -> new KafkaSink(stack.clientConfig(), b), new Ingest.Progress() { });
            await(s, "/coco/getAnnIds?kind=person_keypoints&imgIds=" + imgIds, n -> n.size() == input.get("annotations").size());
            // Every view and the annotation ids processed (they follow a repartition) before the stop.
            await(s, "/coco/loadAnns?kind=person_keypoints&ids=" + annIds, n -> n.size() == input.get("annotations").size());
        } finally {
            app.close();
        }
        // The same instance again, state directory intact: until its stores are queryable, 503 and Retry-After.
        KafkaStreams again = StreamsApp.start(stack.clientConfig(), p);
        try (CocoApiServer s = CocoApiServer.start(again, new HostInfo("127.0.0.1", port), "127.0.0.1", port)) {
            int unavailable = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while (true) {
                HttpResponse<String> ids = send(s, "/coco/getAnnIds?kind=person_keypoints&imgIds=" + imgIds);
                HttpResponse<String> anns = send(s, "/coco/loadAnns?kind=person_keypoints&ids=" + annIds);
                for (HttpResponse<String> r : List.of(ids, anns)) {
                    assertTrue(r.statusCode() == 200 || r.statusCode() == 503, r.statusCode() + ": " + r.body());
                    if (r.statusCode() == 503) {
                        assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
                    }
                }
                if (ids.statusCode() == 503 || anns.statusCode() == 503) {
                    unavailable++;
                    assertTrue(System.currentTimeMillis() < deadline, "still 503 after 60 s");
                    Thread.sleep(20);
                    continue;
                }
                assertEquals(input.get("annotations").size(), SharedData.JSON.readTree(ids.body()).size(),
                        "the first 200 is the whole answer");
                assertEquals(input.get("annotations").size(), SharedData.JSON.readTree(anns.body()).size());
                break;
            }
            assertTrue(unavailable > 0, "the restarted instance was asked before it was RUNNING");
            System.out.printf("restarted instance: %d answers of 503 with Retry-After, then the whole answer%n",
                    unavailable);
        } finally {
            again.close();
        }
    }

    /** What the servers started without security share, as their instances do. */
    private static final ApiSecurity INSTANCE = ApiSecurity.open("", Map.of());

    static JsonNode get(CocoApiServer s, String path) throws Exception {
        HttpResponse<String> r = send(s, path);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return SharedData.JSON.readTree(r.body());
    }

    private static String text(CocoApiServer s, String path) throws Exception {
        HttpResponse<String> r = send(s, path);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    static int status(CocoApiServer s, String path) throws Exception {
        return send(s, path).statusCode();
    }

    /** A GET as a client sends it; on /internal/ as an instance does, with the application's secret. */
    private static HttpResponse<String> send(CocoApiServer s, String path) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path));
        if (path.startsWith("/internal/")) {
            b.header(ApiSecurity.INTERNAL_HEADER, INSTANCE.internalToken());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Set<Long> longs(Iterable<JsonNode> ids) {
        Set<Long> s = new TreeSet<>();
        ids.forEach(n -> s.add(n.asLong()));
        return s;
    }

    private static Set<Long> entryIds(JsonNode entries) {
        Set<Long> s = new TreeSet<>();
        entries.forEach(e -> s.add(e.get("id").asLong()));
        return s;
    }

    static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
