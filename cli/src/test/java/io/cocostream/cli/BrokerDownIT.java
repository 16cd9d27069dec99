package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.embedded.EmbeddedStack;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.TopicAdmin;
import io.cocostream.schemas.Topics;
import io.cocostream.synth.Synth;
import io.cocostream.testing.SharedData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest against a broker that is gone, before it starts or half-way: it says so within seconds,
 * gives up at --broker-timeout with exit 2, and a rerun resumes the batch.
 */
class BrokerDownIT {

    @Test
    void ingestSaysItIsWaitingAndGivesUpAtTheBrokerTimeout() throws Exception {
        String bootstrap;
        String registry;
        try (EmbeddedStack stack = EmbeddedStack.startTemporary()) {
            bootstrap = stack.bootstrapServers();
            registry = stack.schemaRegistryUrl();
        }
        long t0 = System.nanoTime();
        CommandLines.Output o = CommandLines.runWithErrors(2, "ingest",
                SharedData.coco().resolve("instances/instances_val2017_mini.json").toString(),
                "--bootstrap-servers", bootstrap, "--schema-registry-url", registry, "--broker-timeout", "12");
        double secs = (System.nanoTime() - t0) / 1e9;
        assertTrue(secs < 25, "gave up in " + secs + " s");
        assertTrue(o.err().contains("waiting for the broker at " + bootstrap), o.err());
        assertTrue(o.err().contains("--broker-timeout") && o.err().contains("a rerun of the same file resumes"), o.err());
        long waits = o.err().lines().filter(l -> l.contains("waiting for the broker")).count();
        assertTrue(waits >= 2, "said so more than once: " + o.err());
    }

    @Test
    @Timeout(300)
    void theOnlyBrokerGoneMidIngestEndsItWithExit2AndARerunCompletesTheBatch(@TempDir Path dir) throws Exception {
        int images = 30_000;
        Path file = dir.resolve("train-part.json");
        Synth.write(Kind.INSTANCES, images, 31, file);
        Path data = dir.resolve("broker");
        int kafkaPort = CommandLines.freePort();
        int registryPort = CommandLines.freePort();
        EmbeddedStack stack = EmbeddedStack.start(data, kafkaPort, registryPort);
        String[] ingest = CommandLines.concat(new String[] {"ingest", file.toString(), "--chunk-images", "1000",
            "--broker-timeout", "10"}, CommandLines.connection(stack, 3));
        try (ChildJvm run = ChildJvm.start(dir.resolve("ingest-1.log"), ingest)) {
            try {
                TopicAdmin.ensure(stack.clientConfig(), 3, Optional.empty());
                FaultsIT.await("the first chunk committed", Duration.ofSeconds(120),
                        () -> Committed.stableEnd(stack, Topics.INSTANCES) > 0);
                run.pause(); // frozen mid-delivery, however fast this machine publishes
                long committed = Committed.count(stack, Topics.INSTANCES);
                assertTrue(committed > 0 && committed < images, committed + " of " + images + " images committed");
            } finally {
                stack.close(); // the broker, and the registry with it, gone mid-delivery (its data kept)
                run.resume();
            }
            assertEquals(2, run.awaitExit(Duration.ofSeconds(90)), run.output());
            assertTrue(run.output().contains("a rerun of the same file resumes"), run.output());
        }
        try (EmbeddedStack back = EmbeddedStack.start(data, kafkaPort, registryPort);
                ChildJvm rerun = ChildJvm.start(dir.resolve("ingest-2.log"), ingest)) {
            assertEquals(0, rerun.awaitExit(Duration.ofSeconds(180)), rerun.output());
            assertTrue(rerun.output().contains("resumed after"), rerun.output());
            FaultsIT.exactlyOnce(back, images);
        }
    }
}
