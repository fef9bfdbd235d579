/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.placement.Entity;
import io.tributary.placement.Kind;
import io.tributary.placement.PlacementKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The {@code bin/tributary admin} subcommands over the cluster metadata itself: one class per kind of entity, its
 * list / put / delete as methods (picocli method subcommands). They talk to Kafka only, never to a node.
 */
final class MetadataCommands {

    private MetadataCommands() {}

    static int list(AdminCommand admin, Kind kind) {
        admin.withMetadata(m -> {
            var entities = m.image().all(kind).values(); // first: an unreachable Kafka is reported as such
            // Only the node list asks for the membership group: the other kinds need nothing but the topic.
            Set<String> live = kind == Kind.NODE ? m.liveNodes() : Set.of();
            admin.output().entities(kind, entities, live);
            return null;
        });
        return 0;
    }

    static Entity put(AdminCommand admin, Entity entity) {
        Entity stored = admin.withMetadata(m -> m.service().put(entity));
        admin.output().entity(stored);
        return stored;
    }

    static int delete(AdminCommand admin, Kind kind, String name) {
        Output out = admin.output();
        Entity deleted = admin.withMetadata(m -> {
            // Nothing to delete needs no producer: answer from the image read.
            return m.image().get(new PlacementKey(kind, name)) == null
                    ? null
                    : m.service().delete(kind, name);
        });
        if (deleted == null) {
            out.note("no " + kind.segment() + " named " + name);
            return 1;
        }
        out.result("deleted " + kind.segment() + "/" + name, EntityViews.view(deleted));
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

    @Command(
            name = "nodes",
            description = "List the registered broker nodes; LIVE says whether a node is in the cluster's group now.")
    static final class Nodes implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Override
        public Integer call() {
            return list(admin, Kind.NODE);
        }
    }

    @Command(name = "mapping", description = "Topic mapping rules: list, put, delete.")
    static final class Mapping {
        @ParentCommand
        AdminCommand admin;

        @Command(name = "list", description = "List mapping rules.")
        int list() {
            return MetadataCommands.list(admin, Kind.MAPPING);
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
            MetadataCommands.put(admin, new Entity.Mapping(name, 0, filter, kafkaTopic, key, mqttTopic));
            return 0;
        }

        @Command(name = "delete", description = "Delete a mapping rule.")
        int delete(@Parameters(paramLabel = "NAME") String name) {
            return MetadataCommands.delete(admin, Kind.MAPPING, name);
        }
    }

    @Command(
            name = "schema",
            description = "Schema bindings: payloads on matching topics are checked against (and encoded with) a "
                    + "schema of the registry (docs/schemas.md): list, put, delete.")
    static final class SchemaBinding {
        @ParentCommand
        AdminCommand admin;

        @Command(name = "list", description = "List schema bindings.")
        int list() {
            return MetadataCommands.list(admin, Kind.SCHEMA);
        }

        @Command(
                name = "put",
                description = "Create or replace a schema binding; every node applies it within seconds.")
        int put(
                @Parameters(paramLabel = "NAME") String name,
                @Option(
                                names = "--filter",
                                required = true,
                                description = "MQTT topic filter, e.g. sensors/+/telemetry")
                        String filter,
                @Option(
                                names = "--subject",
                                required = true,
                                description =
                                        "Registry subject whose latest version applies, e.g. sensors-telemetry-value")
                        String subject,
                @Option(names = "--format", required = true, description = "json, avro or protobuf") String format,
                @Option(
                                names = "--mode",
                                defaultValue = "validate",
                                description = "validate, validate-and-encode or off (default: ${DEFAULT-VALUE})")
                        String mode,
                @Option(
                                names = "--delivery",
                                description = "What MQTT subscribers get of a record in the registry's wire "
                                        + "format: decoded (JSON, the default) or encoded (its bytes)")
                        String delivery,
                @Option(
                                names = "--message",
                                description = "protobuf: the full name of the message payloads are checked "
                                        + "against, e.g. fleet.v1.Position (default: the file's first message)")
                        String message) {
            MetadataCommands.put(admin, new Entity.Schema(name, 0, filter, subject, format, mode, delivery, message));
            return 0;
        }

        @Command(name = "delete", description = "Delete a schema binding.")
        int delete(@Parameters(paramLabel = "NAME") String name) {
            return MetadataCommands.delete(admin, Kind.SCHEMA, name);
        }
    }

    @Command(name = "user", description = "Users (SCRAM-SHA-256 credentials): list, put, delete.")
    static final class User {
        @ParentCommand
        AdminCommand admin;

        @Command(name = "list", description = "List users (names only; credentials are never shown).")
        int list() {
            return MetadataCommands.list(admin, Kind.USER);
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
            Entity stored = admin.withMetadata(m -> m.service().putUser(name, password));
            admin.output().entity(stored);
            return 0;
        }

        @Command(name = "delete", description = "Delete a user.")
        int delete(@Parameters(paramLabel = "NAME") String name) {
            return MetadataCommands.delete(admin, Kind.USER, name);
        }
    }

    @Command(name = "acl", description = "Access control rules: list, put, delete.")
    static final class Acl {
        @ParentCommand
        AdminCommand admin;

        @Command(name = "list", description = "List ACL rules.")
        int list() {
            return MetadataCommands.list(admin, Kind.ACL);
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
            MetadataCommands.put(
                    admin,
                    new Entity.Acl(
                            name,
                            0,
                            principal,
                            Entity.Action.parse(action),
                            filter,
                            Entity.Permission.parse(permission)));
            return 0;
        }

        @Command(name = "delete", description = "Delete an ACL rule.")
        int delete(@Parameters(paramLabel = "NAME") String name) {
            return MetadataCommands.delete(admin, Kind.ACL, name);
        }
    }

    @Command(
            name = "config",
            description = "Cluster settings: the dynamic limits and the cluster-wide security settings "
                    + "(auth.mode, acl.no.match): list, put, delete.")
    static final class ConfigEntry {
        @ParentCommand
        AdminCommand admin;

        @Command(name = "list", description = "List the cluster's settings.")
        int list() {
            return MetadataCommands.list(admin, Kind.CONFIG);
        }

        @Command(
                name = "put",
                description = "Set a dynamic setting, or change a cluster-wide security setting, on every node "
                        + "within a second (see docs/configuration.md).")
        int put(
                @Parameters(index = "0", paramLabel = "NAME") String name,
                @Parameters(index = "1", paramLabel = "VALUE") String value) {
            Entity.Config stored = (Entity.Config) MetadataCommands.put(admin, new Entity.Config(name, 0, value));
            if (BrokerConfig.CLUSTER_WIDE_KEYS.contains(name)) {
                admin.output()
                        .note(name + " is now " + stored.value()
                                + " on every node of the cluster. A node whose configuration "
                                + "file sets another value keeps running with it, but refuses to start again until "
                                + "its file agrees (or leaves " + name + " out).");
            }
            return 0;
        }

        @Command(
                name = "delete",
                description = "Delete a dynamic setting (nodes fall back to their own); cluster-wide settings "
                        + "can be changed, not deleted.")
        int delete(@Parameters(paramLabel = "NAME") String name) {
            return MetadataCommands.delete(admin, Kind.CONFIG, name);
        }
    }
}
