/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The full state of one placement entity, as one record of the placement topic holds it. Every entity has a
 * name (the second part of its key) and a version, incremented by each write through {@link PlacementAdmin}
 * so that operators and logs can tell which state of an entity a node applied.
 */
public sealed interface Entity {

    String name();

    long version();

    Kind kind();

    /** The same entity with another version. */
    Entity withVersion(long version);

    /**
     * A broker node. Liveness is not kept here (a record would go stale when the node dies) but in the Kafka
     * group the nodes join; this record says what a node is and how to reach it.
     */
    record Node(String name, long version, List<String> listeners, long startedAtMs, String release) implements Entity {
        public Node {
            listeners = List.copyOf(listeners);
        }

        @Override
        public Kind kind() {
            return Kind.NODE;
        }

        @Override
        public Node withVersion(long v) {
            return new Node(name, v, listeners, startedAtMs, release);
        }
    }

    /** A dynamic configuration entry: a broker setting whose value every node applies without a restart. */
    record Config(String name, long version, String value) implements Entity {
        @Override
        public Kind kind() {
            return Kind.CONFIG;
        }

        @Override
        public Config withVersion(long v) {
            return new Config(name, v, value);
        }
    }

    /**
     * A mapping rule: MQTT topics matching {@code filter} are written to {@code kafkaTopic} with a key from
     * the {@code key} template; plain Kafka records of that topic get their MQTT topic from {@code mqttTopic}.
     */
    record Mapping(
            String name,
            long version,
            String filter,
            String kafkaTopic,
            @Nullable String key,
            @Nullable String mqttTopic)
            implements Entity {
        @Override
        public Kind kind() {
            return Kind.MAPPING;
        }

        @Override
        public Mapping withVersion(long v) {
            return new Mapping(name, v, filter, kafkaTopic, key, mqttTopic);
        }
    }

    /**
     * A user with a salted SCRAM-SHA-256 credential (RFC 5802): never a password. Salt and keys are Base64.
     */
    record User(
            String name,
            long version,
            String mechanism,
            int iterations,
            String salt,
            String storedKey,
            String serverKey)
            implements Entity {
        @Override
        public Kind kind() {
            return Kind.USER;
        }

        @Override
        public User withVersion(long v) {
            return new User(name, v, mechanism, iterations, salt, storedKey, serverKey);
        }
    }

    /**
     * An access control rule: {@code principal} (a user name, or {@code *} for anyone, including anonymous
     * clients) may or may not {@code action} (publish, subscribe, all) on topics matching {@code filter}.
     */
    record Acl(String name, long version, String principal, Action action, String filter, Permission permission)
            implements Entity {
        @Override
        public Kind kind() {
            return Kind.ACL;
        }

        @Override
        public Acl withVersion(long v) {
            return new Acl(name, v, principal, action, filter, permission);
        }
    }

    /**
     * A schema binding: payloads published to topics matching {@code filter} are checked against the latest
     * version of {@code subject} in the schema registry, in {@code format} (json, avro, protobuf), by {@code
     * mode} (validate, validate-and-encode, off). {@code delivery} says what MQTT subscribers get of a record in
     * the registry's wire format: {@code decoded} (JSON, the default) or {@code encoded} (the record's bytes).
     * {@code message} names the Protobuf message payloads are checked against (its full name); null: the file's
     * first message.
     */
    record Schema(
            String name,
            long version,
            String filter,
            String subject,
            String format,
            String mode,
            @Nullable String delivery,
            @Nullable String message)
            implements Entity {
        @Override
        public Kind kind() {
            return Kind.SCHEMA;
        }

        @Override
        public Schema withVersion(long v) {
            return new Schema(name, v, filter, subject, format, mode, delivery, message);
        }
    }

    enum Action {
        PUBLISH,
        SUBSCRIBE,
        ALL;

        public static Action parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }

        public boolean covers(Action requested) {
            return this == ALL || this == requested;
        }
    }

    enum Permission {
        ALLOW,
        DENY;

        public static Permission parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }
}
