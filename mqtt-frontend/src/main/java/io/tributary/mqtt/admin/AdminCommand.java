/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.kafka.NodeLiveness;
import io.tributary.placement.Entity;
import io.tributary.placement.Kind;
import io.tributary.placement.PlacementAdmin;
import io.tributary.placement.PlacementStore;
import io.tributary.placement.PlacementWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code bin/tributary admin}: reads and writes the cluster metadata in the placement topic, the same way
 * every node does; it never touches a node's files. Entities print as one JSON object per line.
 */
@Command(
        name = "admin",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Manage the cluster metadata (nodes, mapping rules, users, ACLs, config) of a Tributary cluster.",
        subcommands = {
            AdminCommand.Nodes.class,
            NodeApiCommands.Sessions.class,
            NodeApiCommands.Clients.class,
            NodeApiCommands.Kick.class,
            AdminCommand.Mapping.class,
            AdminCommand.User.class,
            AdminCommand.Acl.class,
            AdminCommand.ConfigEntry.class
        })
public final class AdminCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

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

    @Spec
    CommandSpec spec;

    /** Runs {@code action} against the metadata, read to its end first. */
    <T> T withAdmin(Function<AdminService, T> action) {
        Map<String, Object> props = new HashMap<>();
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
        props.put("bootstrap.servers", bootstrap);
        try (PlacementStore store = new PlacementStore(props, placementTopic, "admin-cli");
                PlacementWriter writer = new PlacementWriter(props, placementTopic, "tributary-admin-cli");
                Admin kafkaAdmin = Admin.create(props)) {
            store.start().awaitReady(Duration.ofSeconds(30));
            Set<String> internal = Set.of(placementTopic, sessionsTopic, BrokerConfig.RETAINED_TOPIC_DEFAULT);
            return action.apply(new AdminService(
                    new PlacementAdmin(store, writer, new AdminService.Validation(internal), Duration.ofSeconds(30)),
                    () -> NodeLiveness.liveNodes(kafkaAdmin, sessionsTopic)));
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    void print(Object o) {
        try {
            out().println(JSON.writeValueAsString(o instanceof Entity e ? AdminHttpServer.view(e) : o));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    int list(Kind kind) {
        withAdmin(a -> {
            Set<String> live = kind == Kind.NODE ? a.liveNodes() : Set.of();
            a.list(kind).values().forEach(e -> print(AdminHttpServer.view(e, live)));
            return null;
        });
        return 0;
    }

    int delete(Kind kind, String name) {
        Entity deleted = withAdmin(a -> a.delete(kind, name));
        if (deleted == null) {
            spec.commandLine().getErr().println("tributary admin: no " + kind.segment() + " named " + name);
            return 1;
        }
        out().println("deleted " + kind.segment() + "/" + name);
        return 0;
    }

    int put(Entity entity) {
        print(withAdmin(a -> a.put(entity)));
        return 0;
    }

    static String readPassword() {
        var console = System.console();
        if (console != null) {
            char[] pw = console.readPassword("Password: ");
            return pw == null ? "" : new String(pw);
        }
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? "" : line;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Command(name = "nodes", description = "List the registered broker nodes.")
    static final class Nodes implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Override
        public Integer call() {
            return admin.list(Kind.NODE);
        }
    }

    // One class per kind of entity; its list / put / delete are methods (picocli method subcommands).

    @Command(name = "mapping", description = "Topic mapping rules: list, put, delete.")
    static final class Mapping {
        @ParentCommand
        AdminCommand admin;

        @Command(name = "list", description = "List mapping rules.")
        int list() {
            return admin.list(Kind.MAPPING);
        }

        @Command(name = "put", description = "Create or replace a mapping rule; every node applies it within seconds.")
        int put(
                @Parameters(paramLabel = "NAME") String name,
                @Option(
                                names = "--filter",
                                required = true,
                                description = "MQTT topic filter, e.g. factory/+/telemetry")
                        String filter,
                @Option(names = "--kafka-topic", required = true, description = "Kafka topic the messages go to")
                        String kafkaTopic,
                @Option(names = "--key", description = "Record key template ({topic}, {N} = level N); default {topic}")
                        String key,
                @Option(
                                names = "--mqtt-topic",
                                description = "MQTT topic template for plain Kafka records, using {key}")
                        String mqttTopic) {
            return admin.put(new Entity.Mapping(name, 0, filter, kafkaTopic, key, mqttTopic));
        }

        @Command(name = "delete", description = "Delete a mapping rule.")
        int delete(@Parameters(paramLabel = "NAME") String name) {
            return admin.delete(Kind.MAPPING, name);
        }
    }

    @Command(name = "user", description = "Users (SCRAM-SHA-256 credentials): list, put, delete.")
    static final class User {
        @ParentCommand
        AdminCommand admin;

        @Command(name = "list", description = "List users (names only; credentials are never shown).")
        int list() {
            return admin.list(Kind.USER);
        }

        @Command(
                name = "put",
                description = "Create a user or change its password; the password is read from the "
                        + "terminal or the first line of stdin and only a salted SCRAM-SHA-256 credential is stored.")
        int put(@Parameters(paramLabel = "NAME") String name) {
            String password = readPassword();
            if (password.isEmpty()) {
                throw new IllegalArgumentException("empty password");
            }
            admin.print(admin.withAdmin(a -> a.putUser(name, password)));
            return 0;
        }

        @Command(name = "delete", description = "Delete a user.")
        int delete(@Parameters(paramLabel = "NAME") String name) {
            return admin.delete(Kind.USER, name);
        }
    }

    @Command(name = "acl", description = "Access control rules: list, put, delete.")
    static final class Acl {
        @ParentCommand
        AdminCommand admin;

        @Command(name = "list", description = "List ACL rules.")
        int list() {
            return admin.list(Kind.ACL);
        }

        @Command(name = "put", description = "Create or replace an ACL rule.")
        int put(
                @Parameters(paramLabel = "NAME") String name,
                @Option(names = "--principal", required = true, description = "User name, or * for every client")
                        String principal,
                @Option(names = "--action", required = true, description = "publish, subscribe or all") String action,
                @Option(names = "--filter", required = true, description = "MQTT topic filter the rule covers")
                        String filter,
                @Option(names = "--permission", required = true, description = "allow or deny") String permission) {
            return admin.put(new Entity.Acl(
                    name, 0, principal, Entity.Action.parse(action), filter, Entity.Permission.parse(permission)));
        }

        @Command(name = "delete", description = "Delete an ACL rule.")
        int delete(@Parameters(paramLabel = "NAME") String name) {
            return admin.delete(Kind.ACL, name);
        }
    }

    @Command(name = "config", description = "Dynamic configuration entries: list, put, delete.")
    static final class ConfigEntry {
        @ParentCommand
        AdminCommand admin;

        @Command(name = "list", description = "List dynamic configuration entries.")
        int list() {
            return admin.list(Kind.CONFIG);
        }

        @Command(name = "put", description = "Set a dynamic setting for every node (see docs/configuration.md).")
        int put(
                @Parameters(index = "0", paramLabel = "NAME") String name,
                @Parameters(index = "1", paramLabel = "VALUE") String value) {
            return admin.put(new Entity.Config(name, 0, value));
        }

        @Command(name = "delete", description = "Delete a dynamic configuration entry (nodes fall back to their own).")
        int delete(@Parameters(paramLabel = "NAME") String name) {
            return admin.delete(Kind.CONFIG, name);
        }
    }
}
