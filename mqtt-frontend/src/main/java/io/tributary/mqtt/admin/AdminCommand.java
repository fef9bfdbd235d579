/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.TributaryVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code bin/tributary admin} (and {@code bin/tributary-admin}, its light launcher): reads and writes the cluster
 * metadata in the placement topic, the same way every node does; it never touches a node's files. Answers print as
 * tables, or with {@code --json} as the admin HTTP API returns them. {@link #main} is the launcher's entry point: it
 * loads no broker or embedded-Kafka classes, so a small JVM answers in about a second (docs/operations.md).
 */
@Command(
        name = "admin",
        mixinStandardHelpOptions = true,
        versionProvider = AdminCommand.Version.class,
        sortOptions = false,
        description = "Manage the cluster metadata (nodes, mapping rules, users, ACLs, schema bindings, config) of a "
                + "Tributary cluster.",
        subcommands = {
            MetadataCommands.Nodes.class,
            NodeApiCommands.Sessions.class,
            NodeApiCommands.Clients.class,
            NodeApiCommands.Kick.class,
            MetadataCommands.Mapping.class,
            MetadataCommands.User.class,
            MetadataCommands.Acl.class,
            MetadataCommands.SchemaBinding.class,
            MetadataCommands.ConfigEntry.class
        })
public final class AdminCommand {

    /** {@code -V}: the Maven project version this build was made from, as the node prints it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Tributary " + TributaryVersion.current()};
        }
    }

    @Option(
            names = "--kafka-bootstrap",
            paramLabel = "HOST:PORT",
            required = true,
            description = "Kafka cluster of the Tributary nodes.")
    String bootstrap;

    @Option(
            names = "--placement-topic",
            paramLabel = "TOPIC",
            defaultValue = BrokerConfig.PLACEMENT_TOPIC_DEFAULT,
            description = "Cluster metadata topic (default ${DEFAULT-VALUE}).")
    String placementTopic;

    @Option(
            names = "--sessions-topic",
            paramLabel = "TOPIC",
            defaultValue = BrokerConfig.SESSIONS_TOPIC_DEFAULT,
            description =
                    "Sessions topic of the cluster, whose group tells which nodes are live (default ${DEFAULT-VALUE}).")
    String sessionsTopic;

    @Option(
            names = "--command-config",
            paramLabel = "FILE",
            description = "Properties for the Kafka clients (security.protocol, sasl.*, ssl.*).")
    Path commandConfig;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "15",
            description = "How long to wait for Kafka and for the nodes (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "Bearer token for the nodes' admin HTTP API (sessions, clients, kick). Default: "
                    + AdminApiClient.TOKEN_ENV + ", else ./data/admin.token when it exists.")
    String token;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "File whose first line is the bearer token for the admin HTTP API.")
    Path tokenFile;

    @Option(
            names = "--user",
            paramLabel = "USER",
            description = "Admin user (admin.users) for the admin HTTP API, with --password or "
                    + AdminApiClient.PASSWORD_ENV + ".")
    String user;

    @Option(
            names = "--password",
            paramLabel = "PASSWORD",
            description = "Password of --user (prefer " + AdminApiClient.PASSWORD_ENV + ": arguments show in ps).")
    String password;

    @Option(
            names = "--admin-ca-file",
            paramLabel = "FILE",
            description = "PEM CA certificates to trust for nodes whose admin HTTP API serves https.")
    Path adminCaFile;

    @Option(
            names = "--json",
            scope = ScopeType.INHERIT,
            description = "Print JSON (as the admin HTTP API returns it) instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** The light launcher's entry point: {@code bin/tributary-admin ARGS} is {@code bin/tributary admin ARGS}. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the admin command; a failure is one line on {@code err} naming what is wrong, exit code 1 (2: usage). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new AdminCommand()).setCommandName("tributary admin");
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("tributary admin: " + ex.getMessage() + " (see --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            err.println("tributary admin: "
                    + (ex instanceof IllegalArgumentException ? "invalid request: " : "")
                    + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        return cli.execute(args);
    }

    /** Runs {@code action} with the Kafka clients it asks for, closed afterwards. */
    <T> T withMetadata(Function<MetadataConnection, T> action) {
        Map<String, Object> props = new HashMap<>(commandConfig());
        props.put("bootstrap.servers", bootstrap);
        Set<String> internal = Set.of(placementTopic, sessionsTopic, BrokerConfig.RETAINED_TOPIC_DEFAULT);
        try (MetadataConnection metadata =
                new MetadataConnection(props, placementTopic, sessionsTopic, internal, timeout())) {
            return action.apply(metadata);
        }
    }

    Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }

    /** The credentials options for the admin HTTP API. */
    AdminApiClient.Options apiCredentials() {
        return new AdminApiClient.Options(token, tokenFile, user, password, adminCaFile);
    }

    Output output() {
        return new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), json);
    }

    private Map<String, String> commandConfig() {
        Map<String, String> props = new HashMap<>();
        if (commandConfig != null) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(commandConfig)) {
                p.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "cannot read --command-config " + commandConfig + ": " + e.getMessage());
            }
            p.forEach((k, v) -> props.put(k.toString(), v.toString().trim()));
        }
        return props;
    }
}
