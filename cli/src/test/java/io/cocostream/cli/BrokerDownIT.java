package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.embedded.EmbeddedStack;
import io.cocostream.testing.SharedData;
import org.junit.jupiter.api.Test;

/** Ingest against a broker that is gone: it says so within seconds, gives up at --broker-timeout with exit 2. */
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
}
