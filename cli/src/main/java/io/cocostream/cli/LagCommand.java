package io.cocostream.cli;

import io.cocostream.metrics.ConsumerLag;
import io.cocostream.streams.StreamsApp;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cocostream lag}: how far the Streams app's consumer group is behind its input topics. */
@Command(name = "lag", mixinStandardHelpOptions = true,
        description = {"Prints the Streams app's consumer group lag per input topic and partition (its committed"
                + " offset, '-' where it has committed none and reads from the start, the partition's end as a"
                + " read_committed consumer sees it, and the difference), then the total. The input topics are"
                + " those its topology consumes: the event topics, retractions, manifests and dead letters, and its"
                + " repartition topics.",
                "Exit code 1 when the group has committed nothing (no such application id, or never started)."})
final class LagCommand implements Callable<Integer> {

    @Option(names = "--application-id", defaultValue = StreamsApp.APPLICATION_ID,
            description = "The app's application id, its consumer group (default ${DEFAULT-VALUE}).")
    String applicationId;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        try (Admin a = Admin.create(connection.clientConfig())) {
            List<ConsumerLag.Partition> lag = ConsumerLag.of(a, applicationId, StreamsApp.inputTopics(applicationId));
            if (lag.isEmpty()) {
                System.err.println("cocostream lag: consumer group " + applicationId + " has committed no offset"
                        + " (no such application id, or it never ran)");
                return 1;
            }
            String row = "%-56s %9s %12s %12s %10s%n";
            System.out.printf(row, "topic", "partition", "committed", "end", "lag");
            long total = 0;
            for (ConsumerLag.Partition p : lag) {
                total += p.lag();
                System.out.printf(row, p.partition().topic(), p.partition().partition(),
                        p.committed() == null ? "-" : String.valueOf(p.committed()), p.end(), p.lag());
            }
            System.out.printf("total lag of %s: %d record(s) over %d partition(s)%n", applicationId, total, lag.size());
            return 0;
        }
    }
}
