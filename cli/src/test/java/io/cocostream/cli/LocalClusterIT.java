package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.cocostream.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cocostream local --brokers 3}: a three-node cluster by hand, topics replicated three times, kept between runs. */
class LocalClusterIT {

    @Test
    void threeBrokersEveryTopicOnAllOfThemAndTheDataKept(@TempDir Path dir) throws Exception {
        int port = CommandLines.freePort();
        String[] local = {"local", "--brokers", "3", "--kafka-port", String.valueOf(port), "--registry-port",
            String.valueOf(CommandLines.freePort()), "--data-dir", dir.resolve("data").toString(), "--partitions", "2"};
        for (int run = 1; run <= 2; run++) {
            try (ChildJvm c = ChildJvm.start(dir.resolve("local-" + run + ".log"), local)) {
                c.awaitOutput("Press Ctrl-C to stop", Duration.ofSeconds(90));
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port))) {
                    assertEquals(3, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
                    TopicDescription d = admin.describeTopics(List.of(Topics.INSTANCES)).allTopicNames()
                            .get(30, TimeUnit.SECONDS).get(Topics.INSTANCES);
                    assertEquals(3, d.partitions().get(0).replicas().size(), "replicated on every broker");
                }
                c.terminate();
                assertNotEquals(-1, c.awaitExit(Duration.ofSeconds(15)), "stopped: " + c.output());
            }
        }
    }
}
