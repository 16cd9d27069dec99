package io.cocostream.cli;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Whether a deployment's {@code COCOSTREAM_*} variable is one the command reads, taken from the code. */
final class KnownEnv {
    private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Z0-9_]+)");
    private static final Set<String> READ = read();
    private static final Set<String> CLIENT_SETTINGS = clientSettings();

    private KnownEnv() {}

    /** Read by a command: one of ConnectionOptions', a {@code ${env:...}} default, or a Kafka or registry setting. */
    static boolean isRead(String name) {
        if (READ.contains(name)) {
            return true;
        }
        if (name.startsWith(ConnectionOptions.ENV_KAFKA_PREFIX)) {
            return CLIENT_SETTINGS.contains(ConnectionOptions.key(name, ConnectionOptions.ENV_KAFKA_PREFIX));
        }
        return name.startsWith(ConnectionOptions.ENV_BASIC_AUTH_PREFIX) && Set.of("credentials.source", "user.info")
                .contains(ConnectionOptions.key(name, ConnectionOptions.ENV_BASIC_AUTH_PREFIX));
    }

    private static Set<String> read() {
        Set<String> names = new HashSet<>(Set.of(ConnectionOptions.ENV_BOOTSTRAP, ConnectionOptions.ENV_REGISTRY,
                ConnectionOptions.ENV_PARTITIONS, ConnectionOptions.ENV_REPLICATION, ConnectionOptions.ENV_CONFIG,
                IngestCommand.ENV_PRODUCER));
        // Uninterpolated, a default still names its variable: ${env:NAME:-default}.
        collect(new CommandLine(new Cocostream()).setInterpolateVariables(false).getCommandSpec(), names);
        return names;
    }

    private static void collect(CommandSpec spec, Set<String> names) {
        for (OptionSpec o : spec.options()) {
            if (o.defaultValue() != null) {
                Matcher m = ENV_DEFAULT.matcher(o.defaultValue());
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        spec.subcommands().values().forEach(c -> collect(c.getCommandSpec(), names));
    }

    private static Set<String> clientSettings() {
        Set<String> s = new HashSet<>(ProducerConfig.configNames());
        s.addAll(ConsumerConfig.configNames());
        s.addAll(AdminClientConfig.configNames());
        s.addAll(StreamsConfig.configDef().names());
        return s;
    }
}
