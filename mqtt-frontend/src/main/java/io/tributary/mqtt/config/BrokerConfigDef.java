/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import static io.tributary.mqtt.config.BrokerConfig.*;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The {@link ConfigDef} entry of every {@link BrokerConfig} setting: type, default, valid values, importance and
 * documentation, group by group. The order of definition is the order of the generated reference
 * ({@code docs/configuration.md}), so it reads by concern.
 */
final class BrokerConfigDef {

    private static final String GROUP_MQTT = "MQTT listener";
    private static final String GROUP_KAFKA = "Kafka";
    private static final String GROUP_SESSION = "Sessions and delivery";
    private static final String GROUP_LIMITS = "Limits and back-pressure";
    private static final String GROUP_MONITORING = "Monitoring";
    private static final String GROUP_MAPPING = "Topic mapping";
    private static final String GROUP_AUTH = "Authentication";
    private static final String GROUP_PLACEMENT = "Cluster metadata and admin";
    private static final String GROUP_CONFIGURATION = "Configuration";

    private BrokerConfigDef() {}

    static ConfigDef build() {
        ConfigDef def = new ConfigDef();
        Grouped mqtt = new Grouped(def, GROUP_MQTT);
        defineMqttListener(mqtt);
        defineMqttConnect(mqtt);
        ListenerSettings.define(def);
        Grouped kafka = new Grouped(def, GROUP_KAFKA);
        defineKafkaCluster(kafka);
        defineKafkaTopics(kafka);
        defineSessions(new Grouped(def, GROUP_SESSION));
        ExactlyOnceSettings.define(def);
        Grouped limits = new Grouped(def, GROUP_LIMITS);
        definePublishLimits(limits);
        defineConnectionLimits(limits);
        Grouped monitoring = new Grouped(def, GROUP_MONITORING);
        monitoring.define(
                SYS_INTERVAL_CONFIG,
                Type.INT,
                SYS_INTERVAL_DEFAULT,
                Range.atLeast(0),
                Importance.LOW,
                SYS_INTERVAL_DOC);
        SysSettings.define(monitoring);
        OpsSettings.define(monitoring);
        new Grouped(def, GROUP_MAPPING)
                .define(
                        MAPPING_RULES_CONFIG,
                        Type.LIST,
                        MAPPING_RULES_DEFAULT,
                        null,
                        Importance.MEDIUM,
                        MAPPING_RULES_DOC);
        defineAuth(new Grouped(def, GROUP_AUTH));
        JwtSettings.define(def);
        definePlacement(new Grouped(def, GROUP_PLACEMENT));
        AdminApiSettings.define(def);
        SchemaRegistrySettings.define(def);
        new Grouped(def, GROUP_CONFIGURATION)
                .define(
                        STRICT_CONFIG_CONFIG,
                        Type.BOOLEAN,
                        STRICT_CONFIG_DEFAULT,
                        null,
                        Importance.LOW,
                        STRICT_CONFIG_DOC);
        return def;
    }

    /** The listener and the packets it accepts. */
    private static void defineMqttListener(Grouped mqtt) {
        mqtt.define(NODE_ID_CONFIG, Type.STRING, NODE_ID_DEFAULT, null, Importance.MEDIUM, NODE_ID_DOC);
        mqtt.define(
                MQTT_BIND_CONFIG,
                Type.STRING,
                MQTT_BIND_DEFAULT,
                new ConfigDef.NonEmptyString(),
                Importance.HIGH,
                MQTT_BIND_DOC);
        mqtt.define(
                MQTT_PORT_CONFIG, Type.INT, MQTT_PORT_DEFAULT, Range.between(0, 65535), Importance.HIGH, MQTT_PORT_DOC);
        mqtt.define(
                MAX_PACKET_SIZE_CONFIG,
                Type.INT,
                MAX_PACKET_SIZE_DEFAULT,
                Range.between(64, 268_435_455),
                Importance.MEDIUM,
                MAX_PACKET_SIZE_DOC);
        mqtt.define(
                CONNECT_TIMEOUT_CONFIG,
                Type.INT,
                CONNECT_TIMEOUT_DEFAULT,
                Range.atLeast(100),
                Importance.LOW,
                CONNECT_TIMEOUT_DOC);
    }

    /** What CONNACK grants a client. */
    private static void defineMqttConnect(Grouped mqtt) {
        mqtt.define(
                MAX_CLIENT_ID_CONFIG,
                Type.INT,
                MAX_CLIENT_ID_DEFAULT,
                Range.between(23, 65535),
                Importance.LOW,
                MAX_CLIENT_ID_DOC);
        mqtt.define(
                TOPIC_ALIAS_MAXIMUM_CONFIG,
                Type.INT,
                TOPIC_ALIAS_MAXIMUM_DEFAULT,
                Range.between(0, 65535),
                Importance.LOW,
                TOPIC_ALIAS_MAXIMUM_DOC);
        mqtt.define(
                KEEP_ALIVE_MAX_CONFIG,
                Type.INT,
                KEEP_ALIVE_MAX_DEFAULT,
                Range.between(0, 65535),
                Importance.LOW,
                KEEP_ALIVE_MAX_DOC);
        mqtt.define(
                RESPONSE_INFORMATION_PREFIX_CONFIG,
                Type.STRING,
                RESPONSE_INFORMATION_PREFIX_DEFAULT,
                null,
                Importance.LOW,
                RESPONSE_INFORMATION_PREFIX_DOC);
    }

    /** Which Kafka: an external cluster or the embedded one. */
    private static void defineKafkaCluster(Grouped kafka) {
        kafka.define(
                KAFKA_BOOTSTRAP_CONFIG,
                Type.STRING,
                KAFKA_BOOTSTRAP_DEFAULT,
                null,
                Importance.HIGH,
                KAFKA_BOOTSTRAP_DOC);
        kafka.define(
                KAFKA_EMBEDDED_PORT_CONFIG,
                Type.INT,
                KAFKA_EMBEDDED_PORT_DEFAULT,
                Range.between(1, 65535),
                Importance.MEDIUM,
                KAFKA_EMBEDDED_PORT_DOC);
        kafka.define(
                DATA_DIR_CONFIG,
                Type.STRING,
                DATA_DIR_DEFAULT,
                new ConfigDef.NonEmptyString(),
                Importance.HIGH,
                DATA_DIR_DOC);
    }

    /** The topics the node uses and how it writes and reads them. */
    private static void defineKafkaTopics(Grouped kafka) {
        kafka.define(
                MESSAGES_TOPIC_CONFIG,
                Type.STRING,
                MESSAGES_TOPIC_DEFAULT,
                new ConfigDef.NonEmptyString(),
                Importance.HIGH,
                MESSAGES_TOPIC_DOC);
        kafka.define(
                MESSAGES_PARTITIONS_CONFIG,
                Type.INT,
                MESSAGES_PARTITIONS_DEFAULT,
                Range.atLeast(1),
                Importance.MEDIUM,
                MESSAGES_PARTITIONS_DOC);
        kafka.define(
                RETAINED_TOPIC_CONFIG,
                Type.STRING,
                RETAINED_TOPIC_DEFAULT,
                new ConfigDef.NonEmptyString(),
                Importance.MEDIUM,
                RETAINED_TOPIC_DOC);
        kafka.define(
                SESSIONS_TOPIC_CONFIG,
                Type.STRING,
                SESSIONS_TOPIC_DEFAULT,
                new ConfigDef.NonEmptyString(),
                Importance.MEDIUM,
                SESSIONS_TOPIC_DOC);
        kafka.define(
                REPLICATION_FACTOR_CONFIG,
                Type.SHORT,
                REPLICATION_FACTOR_DEFAULT,
                null,
                Importance.MEDIUM,
                REPLICATION_FACTOR_DOC);
        kafka.define(
                DELIVERY_TIMEOUT_CONFIG,
                Type.INT,
                DELIVERY_TIMEOUT_DEFAULT,
                Range.atLeast(1000),
                Importance.MEDIUM,
                DELIVERY_TIMEOUT_DOC);
        kafka.define(
                PLAIN_RECORD_QOS_CONFIG,
                Type.INT,
                PLAIN_RECORD_QOS_DEFAULT,
                Range.between(0, 2),
                Importance.LOW,
                PLAIN_RECORD_QOS_DOC);
    }

    private static void defineSessions(Grouped session) {
        session.define(
                SESSION_QUEUE_CONFIG,
                Type.INT,
                SESSION_QUEUE_DEFAULT,
                Range.atLeast(1),
                Importance.MEDIUM,
                SESSION_QUEUE_DOC);
        session.define(
                SESSION_INFLIGHT_CONFIG,
                Type.INT,
                SESSION_INFLIGHT_DEFAULT,
                Range.between(1, 65535),
                Importance.MEDIUM,
                SESSION_INFLIGHT_DOC);
        session.define(
                SESSION_CHECKPOINT_CONFIG,
                Type.INT,
                SESSION_CHECKPOINT_DEFAULT,
                Range.atLeast(10),
                Importance.LOW,
                SESSION_CHECKPOINT_DOC);
        session.define(
                SESSION_TAKEOVER_TIMEOUT_CONFIG,
                Type.INT,
                SESSION_TAKEOVER_TIMEOUT_DEFAULT,
                Range.atLeast(0),
                Importance.LOW,
                SESSION_TAKEOVER_TIMEOUT_DOC);
        session.define(
                NODE_LIVENESS_TIMEOUT_CONFIG,
                Type.INT,
                NODE_LIVENESS_TIMEOUT_DEFAULT,
                Range.atLeast(1000),
                Importance.LOW,
                NODE_LIVENESS_TIMEOUT_DOC);
    }

    /** Back-pressure on publishers. */
    private static void definePublishLimits(Grouped limits) {
        limits.define(
                PUBLISH_INFLIGHT_CONFIG,
                Type.INT,
                PUBLISH_INFLIGHT_DEFAULT,
                Range.between(1, 65535),
                Importance.MEDIUM,
                PUBLISH_INFLIGHT_DOC);
        limits.define(
                PUBLISH_INFLIGHT_BYTES_CONFIG,
                Type.LONG,
                PUBLISH_INFLIGHT_BYTES_DEFAULT,
                Range.atLeast(1024),
                Importance.MEDIUM,
                PUBLISH_INFLIGHT_BYTES_DOC);
    }

    /** Limits on connections, topics and subscriptions (the dynamic settings). */
    private static void defineConnectionLimits(Grouped limits) {
        limits.define(
                MAX_CONNECTIONS_CONFIG,
                Type.INT,
                MAX_CONNECTIONS_DEFAULT,
                Range.atLeast(1),
                Importance.MEDIUM,
                MAX_CONNECTIONS_DOC);
        limits.define(
                CONNECT_RATE_CONFIG,
                Type.DOUBLE,
                CONNECT_RATE_DEFAULT,
                Range.atLeast(0),
                Importance.MEDIUM,
                CONNECT_RATE_DOC);
        limits.define(
                CONNECT_BURST_CONFIG,
                Type.INT,
                CONNECT_BURST_DEFAULT,
                Range.atLeast(1),
                Importance.LOW,
                CONNECT_BURST_DOC);
        limits.define(
                MAX_TOPIC_LEVELS_CONFIG,
                Type.INT,
                MAX_TOPIC_LEVELS_DEFAULT,
                Range.between(1, 128),
                Importance.LOW,
                MAX_TOPIC_LEVELS_DOC);
        limits.define(
                MAX_TOPIC_LENGTH_CONFIG,
                Type.INT,
                MAX_TOPIC_LENGTH_DEFAULT,
                Range.between(1, 65535),
                Importance.LOW,
                MAX_TOPIC_LENGTH_DOC);
        limits.define(
                MAX_SUBSCRIPTIONS_CONFIG,
                Type.INT,
                MAX_SUBSCRIPTIONS_DEFAULT,
                Range.atLeast(1),
                Importance.MEDIUM,
                MAX_SUBSCRIPTIONS_DOC);
    }

    private static void defineAuth(Grouped auth) {
        auth.define(
                AUTH_MODE_CONFIG,
                Type.STRING,
                AUTH_MODE_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("none", "required"),
                Importance.HIGH,
                AUTH_MODE_DOC);
        auth.define(
                AUTH_USERS_FILE_CONFIG,
                Type.STRING,
                AUTH_USERS_FILE_DEFAULT,
                null,
                Importance.HIGH,
                AUTH_USERS_FILE_DOC);
        auth.define(
                ACL_NO_MATCH_CONFIG,
                Type.STRING,
                ACL_NO_MATCH_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("allow", "deny"),
                Importance.HIGH,
                ACL_NO_MATCH_DOC);
        auth.define(
                ACL_SUBSCRIBE_OVERLAPPING_DENY_CONFIG,
                Type.STRING,
                ACL_SUBSCRIBE_OVERLAPPING_DENY_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("filter", "refuse"),
                Importance.MEDIUM,
                ACL_SUBSCRIBE_OVERLAPPING_DENY_DOC);
        auth.define(
                AUTH_CLIENT_ID_MUST_MATCH_CONFIG,
                Type.STRING,
                AUTH_CLIENT_ID_MUST_MATCH_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in("none", "prefix", "equal"),
                Importance.MEDIUM,
                AUTH_CLIENT_ID_MUST_MATCH_DOC);
    }

    private static void definePlacement(Grouped placement) {
        placement.define(
                PLACEMENT_TOPIC_CONFIG,
                Type.STRING,
                PLACEMENT_TOPIC_DEFAULT,
                new ConfigDef.NonEmptyString(),
                Importance.MEDIUM,
                PLACEMENT_TOPIC_DOC);
        placement.define(
                ADMIN_HTTP_PORT_CONFIG,
                Type.INT,
                ADMIN_HTTP_PORT_DEFAULT,
                Range.between(-1, 65535),
                Importance.MEDIUM,
                ADMIN_HTTP_PORT_DOC);
        placement.define(
                ADMIN_HTTP_BIND_CONFIG,
                Type.STRING,
                ADMIN_HTTP_BIND_DEFAULT,
                new ConfigDef.NonEmptyString(),
                Importance.LOW,
                ADMIN_HTTP_BIND_DOC);
        placement.define(ADVERTISED_HOST_CONFIG, Type.STRING, "", null, Importance.LOW, ADVERTISED_HOST_DOC);
    }

    /** Defines keys of one group in order, so the generated reference reads by concern (ListenerSettings too). */
    static final class Grouped {
        private final ConfigDef def;
        private final String group;
        private int order;

        Grouped(ConfigDef def, String group) {
            this.def = def;
            this.group = group;
        }

        void define(
                String name,
                Type type,
                Object defaultValue,
                ConfigDef.Validator validator,
                Importance importance,
                String doc) {
            def.define(
                    name, type, defaultValue, validator, importance, doc, group, ++order, ConfigDef.Width.MEDIUM, name);
        }
    }
}
