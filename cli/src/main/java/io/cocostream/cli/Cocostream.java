package io.cocostream.cli;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cocostream} command: a thin shell over the modules' entry points. */
@Command(name = "cocostream", mixinStandardHelpOptions = true, versionProvider = Cocostream.Version.class,
        description = "COCO annotation deliveries as a live, validated, queryable event stream on Apache Kafka.",
        subcommands = {
            LocalCommand.class,
            DemoCommand.class,
            MasksCommand.class,
            IngestCommand.class,
            CheckCommand.class,
            EvalCommand.class,
            StreamsCommand.class,
            ServeCommand.class,
            ExportCommand.class,
            RetractCommand.class,
            AlertsCommand.class,
            BatchesCommand.class,
            LagCommand.class,
            SynthCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Cocostream implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code. */
    public static int run(String... args) {
        Logging.configure();
        return new CommandLine(new Cocostream())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    cmd.getErr().println("cocostream " + cmd.getCommandName() + ": " + explain(ex, cmd));
                    return 2;
                })
                .execute(args);
    }

    /**
     * A command's failure as its user should read it: a cluster that refused our credentials or
     * permissions is named, with the settings to look at, wherever in the causes Kafka said so.
     */
    static String explain(Exception ex, CommandLine cmd) {
        String bootstrap = cmd.getCommandSpec().mixins().values().stream()
                .filter(m -> m.userObject() instanceof ConnectionOptions)
                .map(m -> ((ConnectionOptions) m.userObject()).bootstrapServers()).findFirst().orElse("?");
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationException) {
                return "the Kafka cluster at " + bootstrap + " refused to authenticate us: " + t.getMessage()
                        + " (see kafka.security.protocol, kafka.sasl.mechanism, kafka.sasl.jaas.config, kafka.ssl.*)";
            }
            if (t instanceof AuthorizationException) {
                return "the Kafka cluster at " + bootstrap + " does not allow this: " + t.getMessage()
                        + " (the user's ACLs: see the KafkaUsers in k8s/)";
            }
        }
        return ex.getMessage();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Cocostream.class.getPackage().getImplementationVersion();
            return new String[] {"cocostream " + (v == null ? "dev" : v)};
        }
    }
}
