package io.cocostream.cli;

import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;

/** {@code cocostream streams}: the validation topology against a cluster, until Ctrl-C. */
@Command(name = "streams", mixinStandardHelpOptions = true,
        description = {"Runs the validation topology (exactly-once): every per-image event checked, alerts to"
                + " coco.alerts.v1, unreadable or failing records to coco.dead-letters.v1. Ctrl-C stops cleanly."})
final class StreamsCommand extends TopologyCommand {

    @Override
    String name() {
        return "streams";
    }

    @Override
    AutoCloseable started(KafkaStreams streams) {
        System.err.println("cocostream streams: validating (application id " + app.applicationId + "); Ctrl-C stops");
        return () -> { };
    }
}
