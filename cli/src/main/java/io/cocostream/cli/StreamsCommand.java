package io.cocostream.cli;

import io.cocostream.schemas.TopicAdmin;
import io.cocostream.streams.StreamsApp;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cocostream streams}: the validation topology against a cluster, until Ctrl-C. */
@Command(name = "streams", mixinStandardHelpOptions = true,
        description = {"Runs the validation topology (exactly-once): every per-image event checked, alerts to"
                + " coco.alerts.v1, unreadable or failing records to coco.dead-letters.v1. Ctrl-C stops cleanly."})
final class StreamsCommand implements Callable<Integer> {

    @Mixin
    StreamsOptions app;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> client = connection.clientConfig();
        TopicAdmin.ensure(client, connection.partitions(), connection.replicationFactor());
        Foreground fg = new Foreground("streams");
        KafkaStreams streams = StreamsApp.start(client, app.config(client));
        try {
            System.err.println("cocostream streams: validating (application id " + app.applicationId + "); Ctrl-C stops");
            fg.awaitStop();
        } finally {
            Foreground.close("streams", streams);
            fg.closed();
        }
        return 0;
    }
}
