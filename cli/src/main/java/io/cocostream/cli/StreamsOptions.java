package io.cocostream.cli;

import io.cocostream.streams.StreamsApp;
import picocli.CommandLine.Option;

/** The Kafka Streams settings of the commands that run the topology ({@code streams}, {@code serve}). */
final class StreamsOptions {

    @Option(names = "--application-id", defaultValue = StreamsApp.APPLICATION_ID,
            description = "Kafka Streams application id (default ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--threads", defaultValue = "2", description = "Stream threads (default ${DEFAULT-VALUE}).")
    int threads;
}
