package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.embedded.KafkaStack;
import io.cocostream.eval.EvalParams.IouType;
import io.cocostream.ingest.Ingest;
import io.cocostream.ingest.KafkaSink;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.schemas.Topics;
import io.cocostream.streams.clients.Exporter;
import io.cocostream.streams.clients.TopicViews;
import io.cocostream.streams.query.CocoApiServer;
import io.cocostream.streams.query.QaPage;
import io.cocostream.testing.EmbeddedStackExtension;
import io.cocostream.testing.SharedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live COCOeval on the in-process broker, over two app instances (each holds part of the images):
 * the official fake bbox results streamed in as one run of two batches give, after each batch, on
 * {@code coco.evaluations.v1} and from {@code /coco/eval} on either instance, the stats
 * {@code eval} gives offline for the results so far; the COCO API answers over the run.
 */
@ExtendWith(EmbeddedStackExtension.class)
class LiveEvalIT {

    @Test
    void theLiveStatsEqualTheOfflineOnesAfterEachBatch(KafkaStack stack, @TempDir Path dir) throws Exception {
        TopicAdmin.ensure(stack.clientConfig(), 4, Optional.empty());
        ArrayNode all = (ArrayNode) SharedData.JSON.readTree(
                RunsSystemTest.RESULTS.resolve("cocoapi__instances_val2014_fakebbox100_results.json").toFile());
        Path first = Deliveries.slice(dir.resolve("fake-1.json"), all, 0, all.size() / 2);
        Path second = Deliveries.slice(dir.resolve("fake-2.json"), all, all.size() / 2, all.size());
        Path whole = Deliveries.slice(dir.resolve("fake-all.json"), all, 0, all.size());
        List<KafkaStreams> apps = new ArrayList<>();
        List<CocoApiServer> servers = new ArrayList<>();
        try {
            // Given two serving instances and the ground truth
            for (int i = 0; i < 2; i++) {
                int port = CocoApiIT.freePort();
                Properties p = StreamsApp.config(stack.clientConfig(), "live-eval-it", 1);
                p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port);
                p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state-" + i).toString());
                KafkaStreams app = StreamsApp.start(stack.clientConfig(), p);
                apps.add(app);
                servers.add(CocoApiServer.start(app, new HostInfo("127.0.0.1", port), "127.0.0.1", port,
                        QaPage.start(stack.clientConfig(), null)));
            }
            ingest(stack, RunsSystemTest.GT, null);
            for (CocoApiServer s : servers) {
                CocoApiIT.await(s, "/coco/getImgIds", n -> n.size() == 100);
            }

            // When the run's first batch is ingested, then its second
            for (Path batch : List.of(first, second)) {
                Ingest.Result r = ingest(stack, batch, "fake");
                long ingested = System.nanoTime();
                Path sofar = batch == first ? first : whole;
                JsonNode expected = RunsSystemTest.offline(IouType.bbox, sofar);

                // Then coco.evaluations.v1 gets the stats of the results so far, written after that batch
                JsonNode evaluation = CocoApiIT.await(servers.get(0), "/evaluations", n -> {
                    for (JsonNode e : n) {
                        if (e.get("run").asText().equals("fake") && e.get("batch_id").asText().equals(r.batchId())) {
                            return true;
                        }
                    }
                    return false;
                });
                System.out.printf("run fake, batch %s: its evaluation on coco.evaluations.v1 %.2f s after its ingest%n",
                        batch.getFileName(), (System.nanoTime() - ingested) / 1e9);
                JsonNode written = null;
                for (JsonNode e : evaluation) {
                    if (e.get("run").asText().equals("fake") && e.get("iou_type").asText().equals("bbox")) {
                        written = e;
                    }
                }
                assertEquals(expected.get("stats"), written.get("stats"), "the evaluation written after " + batch);
                assertEquals(100, written.get("images").asInt());
                // and either instance's /coco/eval answers eval's JSON, bit for bit
                for (CocoApiServer s : servers) {
                    ObjectNode live = (ObjectNode) CocoApiIT.get(s, "/coco/eval?run=fake&iouType=bbox");
                    live.remove(List.of("run", "images", "images_evaluated"));
                    assertEquals(expected, live);
                }
            }

            // The API answers over the run: its images are the ground truth's, its annotations the results, 1..n
            for (CocoApiServer s : servers) {
                assertEquals(100, CocoApiIT.get(s, "/coco/getImgIds?run=fake").size());
                assertEquals(all.size(), CocoApiIT.get(s, "/coco/getAnnIds?run=fake").size());
                JsonNode last = CocoApiIT.get(s, "/coco/loadAnns?run=fake&ids=" + all.size()).get(0);
                JsonNode in = all.get(all.size() - 1);
                assertEquals(in.get("image_id"), last.get("image_id"));
                assertEquals(in.get("bbox").get(2).asDouble() * in.get("bbox").get(3).asDouble(), last.get("area").asDouble());
                JsonNode runs = CocoApiIT.get(s, "/coco/runs");
                assertEquals("fake", runs.get(0).get("run").asText());
                assertEquals(2, runs.get(0).get("batches").size());
                assertEquals(404, CocoApiIT.status(s, "/coco/eval?run=nope"));
                assertEquals(400, CocoApiIT.status(s, "/coco/eval?run=fake&iouType=mask"));
            }
            // export --kind results --run gives the run back as a results file: eval over it is the same
            Path exported = dir.resolve("exported.json");
            Exporter.Summary x = Exporter.exportRun("fake", new TopicViews(stack.clientConfig(), Topics.RESULTS_VIEW), exported);
            assertEquals(all.size(), x.annotations());
            assertEquals(RunsSystemTest.offline(IouType.bbox, whole), RunsSystemTest.offline(IouType.bbox, exported));
        } finally {
            servers.forEach(CocoApiServer::close);
            apps.forEach(KafkaStreams::close);
        }
    }

    private static Ingest.Result ingest(KafkaStack stack, Path file, String run) throws Exception {
        return Ingest.run(Ingest.Options.of(file).withRun(run), b -> new KafkaSink(stack.clientConfig(), b),
                new Ingest.Progress() { });
    }
}
