/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every setting of a broker node. One constant quartet per setting: {@code X_CONFIG}, {@code X_DOC},
 * {@code X_DEFAULT} here, grouped as the reference shows them, and its entry in {@link #CONFIG_DEF} (defined by
 * {@link BrokerConfigDef}); the reference in {@code docs/configuration.md} is generated from {@link #CONFIG_DEF}
 * by the build. Checks across settings live in one {@link #validate}. The settings of the node's Kafka clients are
 * computed by {@link KafkaClientSettings}.
 */
public final class BrokerConfig extends AbstractConfig {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerConfig.class);

    // ---- MQTT listener ----

    public static final String NODE_ID_CONFIG = "node.id";
    public static final String NODE_ID_DOC = "Name of this broker node, written into session records as their owner. "
            + "Defaults to <bind address>:<mqtt port>.";
    public static final String NODE_ID_DEFAULT = "";

    public static final String MQTT_BIND_CONFIG = "mqtt.bind";
    public static final String MQTT_BIND_DOC = "Address the MQTT TCP listener binds to.";
    public static final String MQTT_BIND_DEFAULT = "127.0.0.1";

    public static final String MQTT_PORT_CONFIG = "mqtt.port";
    public static final String MQTT_PORT_DOC = "Port of the MQTT TCP listener; 0 picks a free port.";
    public static final int MQTT_PORT_DEFAULT = 1883;

    public static final String MAX_PACKET_SIZE_CONFIG = "mqtt.max.packet.size";
    public static final String MAX_PACKET_SIZE_DOC = "Largest MQTT packet accepted, in bytes. Larger packets close the "
            + "connection (MQTT 5: DISCONNECT 0x95 Packet too large).";
    public static final int MAX_PACKET_SIZE_DEFAULT = 1_048_576;

    public static final String CONNECT_TIMEOUT_CONFIG = "mqtt.connect.timeout.ms";
    public static final String CONNECT_TIMEOUT_DOC =
            "A connection that has not sent CONNECT within this time is closed.";
    public static final int CONNECT_TIMEOUT_DEFAULT = 10_000;

    public static final String MAX_CLIENT_ID_CONFIG = "mqtt.max.client.id.length";
    public static final String MAX_CLIENT_ID_DOC = "Longest client identifier accepted (CONNACK 0x02 / 0x85 beyond).";
    public static final int MAX_CLIENT_ID_DEFAULT = 256;

    public static final String TOPIC_ALIAS_MAXIMUM_CONFIG = "mqtt.topic.alias.maximum";
    public static final String TOPIC_ALIAS_MAXIMUM_DOC =
            "Topic aliases an MQTT 5 client may use per connection, advertised as "
                    + "Topic Alias Maximum in CONNACK. 0 disables inbound topic aliases (any alias is then refused with 0x94).";
    public static final int TOPIC_ALIAS_MAXIMUM_DEFAULT = 10;

    public static final String KEEP_ALIVE_MAX_CONFIG = "mqtt.keep.alive.max.seconds";
    public static final String KEEP_ALIVE_MAX_DOC =
            "Largest keep alive an MQTT 5 client may use. A larger (or zero) keep alive "
                    + "is lowered to this value and returned as Server Keep Alive in CONNACK. 0 accepts the client's value. "
                    + "MQTT 3.1.1 clients, which cannot be told, always keep their own value.";
    public static final int KEEP_ALIVE_MAX_DEFAULT = 0;

    public static final String RESPONSE_INFORMATION_PREFIX_CONFIG = "mqtt.response.information.prefix";
    public static final String RESPONSE_INFORMATION_PREFIX_DOC =
            "Response Information returned in CONNACK to an MQTT 5 client "
                    + "that sets Request Response Information: this prefix followed by the client identifier (e.g. reply/sensor-1), "
                    + "for the client to build response topics from. Empty: Response Information is never sent.";
    public static final String RESPONSE_INFORMATION_PREFIX_DEFAULT = "reply/";

    // ---- Kafka ----

    public static final String KAFKA_BOOTSTRAP_CONFIG = "kafka.bootstrap.servers";
    public static final String KAFKA_BOOTSTRAP_DOC =
            "Kafka cluster to use (host:port,...). Empty starts an embedded " + "single-node KRaft Kafka in data.dir.";
    public static final String KAFKA_BOOTSTRAP_DEFAULT = "";

    public static final String KAFKA_EMBEDDED_PORT_CONFIG = "kafka.embedded.port";
    public static final String KAFKA_EMBEDDED_PORT_DOC =
            "Client port of the embedded Kafka (only without kafka.bootstrap.servers).";
    public static final int KAFKA_EMBEDDED_PORT_DEFAULT = 9092;

    public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";
    public static final String KAFKA_CLIENT_PREFIX_DOC =
            "Settings starting with kafka.client. are passed, without the prefix, to "
                    + "every Kafka client of the node (security.protocol, sasl.*, ssl.*, ...); those every Kafka "
                    + "client takes also as kafka.NAME (kafka.security.protocol).";

    public static final String DATA_DIR_CONFIG = "data.dir";
    public static final String DATA_DIR_DOC =
            "Directory for the embedded Kafka's log. Unused with kafka.bootstrap.servers: "
                    + "a broker node keeps no state of its own.";
    public static final String DATA_DIR_DEFAULT = "./data";

    public static final String MESSAGES_TOPIC_CONFIG = "kafka.topic.messages";
    public static final String MESSAGES_TOPIC_DOC = "Kafka topic that receives every PUBLISH no mapping rule claims.";
    public static final String MESSAGES_TOPIC_DEFAULT = "mqtt.messages";

    public static final String MESSAGES_PARTITIONS_CONFIG = "kafka.topic.messages.partitions";
    public static final String MESSAGES_PARTITIONS_DOC = "Partition count used when the node creates a message topic.";
    public static final int MESSAGES_PARTITIONS_DEFAULT = 6;

    public static final String RETAINED_TOPIC_CONFIG = "kafka.topic.retained";
    public static final String RETAINED_TOPIC_DOC =
            "Compacted Kafka topic holding retained messages (key = MQTT topic).";
    public static final String RETAINED_TOPIC_DEFAULT = "mqtt.retained";

    public static final String SESSIONS_TOPIC_CONFIG = "kafka.topic.sessions";
    public static final String SESSIONS_TOPIC_DOC =
            "Compacted Kafka topic holding persistent session state (key = client id).";
    public static final String SESSIONS_TOPIC_DEFAULT = "mqtt.sessions";

    public static final String REPLICATION_FACTOR_CONFIG = "kafka.topic.replication.factor";
    public static final String REPLICATION_FACTOR_DOC =
            "Replication factor for topics the node creates; -1 uses the cluster default.";
    public static final short REPLICATION_FACTOR_DEFAULT = -1;

    public static final String DELIVERY_TIMEOUT_CONFIG = "kafka.delivery.timeout.ms";
    public static final String DELIVERY_TIMEOUT_DOC =
            "How long the producer retries a record while Kafka is unavailable before the "
                    + "PUBLISH fails (MQTT 5: PUBACK/PUBREC with 0x80; MQTT 3.1.1: the connection is closed so the client re-sends).";
    public static final int DELIVERY_TIMEOUT_DEFAULT = 120_000;

    public static final String PLAIN_RECORD_QOS_CONFIG = "kafka.records.default.qos";
    public static final String PLAIN_RECORD_QOS_DOC =
            "QoS given to records without an mqtt.qos header (written by plain Kafka producers).";
    public static final int PLAIN_RECORD_QOS_DEFAULT = 1;

    // ---- Sessions and delivery ----

    public static final String SESSION_QUEUE_CONFIG = "session.queue.max.messages";
    public static final String SESSION_QUEUE_DOC =
            "Messages held in memory per connected session waiting for its flow-control window. "
                    + "On overflow QoS 0 messages are dropped (and counted); QoS 1/2 messages are re-read from Kafka later.";
    public static final int SESSION_QUEUE_DEFAULT = 1000;

    public static final String SESSION_INFLIGHT_CONFIG = "session.max.inflight";
    public static final String SESSION_INFLIGHT_DOC =
            "Unacknowledged outbound QoS 1/2 messages per session (lowered to the client's " + "Receive Maximum).";
    public static final int SESSION_INFLIGHT_DEFAULT = 100;

    public static final String SESSION_CHECKPOINT_CONFIG = "session.checkpoint.interval.ms";
    public static final String SESSION_CHECKPOINT_DOC =
            "How often delivery progress of connected persistent sessions is written to the "
                    + "sessions topic. A node crash re-delivers at most this much (QoS 1 at least once).";
    public static final int SESSION_CHECKPOINT_DEFAULT = 1000;

    public static final String SESSION_TAKEOVER_TIMEOUT_CONFIG = "session.takeover.timeout.ms";
    public static final String SESSION_TAKEOVER_TIMEOUT_DOC = "When a client connects to this node while another node "
            + "holds its session, how long this node waits for that node to hand the session over before it "
            + "resumes from the last stored state instead (the other node may be dead).";
    public static final int SESSION_TAKEOVER_TIMEOUT_DEFAULT = 5000;

    public static final String NODE_LIVENESS_TIMEOUT_CONFIG = "node.liveness.timeout.ms";
    public static final String NODE_LIVENESS_TIMEOUT_DOC = "After how long without a heartbeat a node counts as dead "
            + "(the session timeout of the nodes' consumer group on the sessions topic; the Kafka brokers' "
            + "group.min.session.timeout.ms and group.max.session.timeout.ms bound it). The sessions that were "
            + "connected to a dead node are then stored as offline by another node, and their expiry starts.";
    public static final int NODE_LIVENESS_TIMEOUT_DEFAULT = 10000;

    // ---- Limits and back-pressure ----

    public static final String PUBLISH_INFLIGHT_CONFIG = "publish.max.inflight.per.connection";
    public static final String PUBLISH_INFLIGHT_DOC =
            "PUBLISH packets of one connection waiting for Kafka; beyond it the node stops "
                    + "reading that connection until Kafka catches up. Also advertised as Receive Maximum (MQTT 5).";
    public static final int PUBLISH_INFLIGHT_DEFAULT = 1024;

    public static final String PUBLISH_INFLIGHT_BYTES_CONFIG = "publish.max.inflight.bytes";
    public static final String PUBLISH_INFLIGHT_BYTES_DOC =
            "Payload bytes of the whole node waiting for Kafka; beyond it every publishing "
                    + "connection is paused. Kept below the producer's buffer.memory so a send never blocks the event loop.";
    public static final long PUBLISH_INFLIGHT_BYTES_DEFAULT = 16L * 1024 * 1024;

    public static final String MAX_CONNECTIONS_CONFIG = "mqtt.max.connections";
    public static final String MAX_CONNECTIONS_DOC =
            "Open MQTT connections (TCP, counted from accept, before CONNECT) this node "
                    + "accepts. A connection beyond it is refused at CONNECT (MQTT 5: CONNACK 0x97 Quota exceeded; MQTT 3.1.1: "
                    + "CONNACK 0x03 Server unavailable) and closed.";
    public static final int MAX_CONNECTIONS_DEFAULT = 100_000;

    public static final String CONNECT_RATE_CONFIG = "mqtt.connect.rate.per.address";
    public static final String CONNECT_RATE_DOC =
            "New connections per second accepted from one source IP address (token bucket "
                    + "with a burst of mqtt.connect.burst.per.address); 0 = unlimited. Beyond it the CONNECT is refused "
                    + "(MQTT 5: CONNACK 0x9F Connection rate exceeded; MQTT 3.1.1: CONNACK 0x03 Server unavailable).";
    public static final double CONNECT_RATE_DEFAULT = 0;

    public static final String CONNECT_BURST_CONFIG = "mqtt.connect.burst.per.address";
    public static final String CONNECT_BURST_DOC =
            "Connections one source address may open at once before " + "mqtt.connect.rate.per.address applies.";
    public static final int CONNECT_BURST_DEFAULT = 20;

    public static final String MAX_TOPIC_LEVELS_CONFIG = "mqtt.max.topic.levels";
    public static final String MAX_TOPIC_LEVELS_DOC =
            "Most levels ('/'-separated) of a PUBLISH topic name or a subscription "
                    + "filter. Beyond it a PUBLISH is refused (MQTT 5 QoS 1/2: PUBACK/PUBREC 0x90; QoS 0 and MQTT 3.1.1: "
                    + "disconnect, MQTT 5 with DISCONNECT 0x90) and a filter gets SUBACK 0x8F (MQTT 3.1.1: 0x80).";
    public static final int MAX_TOPIC_LEVELS_DEFAULT = 32;

    public static final String MAX_TOPIC_LENGTH_CONFIG = "mqtt.max.topic.length";
    public static final String MAX_TOPIC_LENGTH_DOC =
            "Longest PUBLISH topic name or subscription filter, in characters; " + "answered as mqtt.max.topic.levels.";
    public static final int MAX_TOPIC_LENGTH_DEFAULT = 65535;

    public static final String MAX_SUBSCRIPTIONS_CONFIG = "mqtt.max.subscriptions.per.client";
    public static final String MAX_SUBSCRIPTIONS_DOC =
            "Subscriptions one session may hold. A new filter beyond it gets SUBACK "
                    + "0x97 Quota exceeded (MQTT 3.1.1: 0x80); re-subscribing to a filter the session has does not count.";
    public static final int MAX_SUBSCRIPTIONS_DEFAULT = 100;

    // ---- Monitoring ----

    public static final String SYS_INTERVAL_CONFIG = "sys.interval.ms";
    public static final String SYS_INTERVAL_DOC =
            "How often the node publishes the $SYS tree to its own subscribers (its own "
                    + "$SYS/brokers/{node.id}/, and the cluster's $SYS/tributary/) and reports its figures to the "
                    + "other nodes through sys.stats.topic; 0 disables the $SYS topics and the reports.";
    public static final int SYS_INTERVAL_DEFAULT = 10_000;

    // ---- Topic mapping ----

    public static final String MAPPING_RULES_CONFIG = "mapping.rules";
    public static final String MAPPING_RULES_DOC =
            "Names of topic mapping rules, in priority order. Each rule NAME is configured by "
                    + "mapping.rule.NAME.filter (MQTT topic filter), mapping.rule.NAME.kafka.topic (target Kafka topic), "
                    + "mapping.rule.NAME.key (key template, default {topic}; {N} is topic level N counting from 1) and "
                    + "mapping.rule.NAME.mqtt.topic (template that names the MQTT topic of records from plain Kafka producers, "
                    + "e.g. factory/{key}/telemetry; default: the record key is the MQTT topic).";
    public static final List<String> MAPPING_RULES_DEFAULT = List.of();

    // ---- Authentication ----

    public static final String AUTH_MODE_CONFIG = "auth.mode";
    public static final String AUTH_MODE_DOC = "none: anonymous clients are let in (a user name and password a client "
            + "sends are still checked when auth.users.file is set). required: every client authenticates, with user "
            + "name and password in CONNECT or with MQTT 5 enhanced authentication (SCRAM-SHA-256), as a user of "
            + "auth.users.file or of the cluster metadata (bin/tributary admin user put), with a JWT (auth.jwt.*) or "
            + "a client certificate. Refused: MQTT 5 CONNACK 0x86 / 0x87 / 0x8C, MQTT 3.1.1 return code 4 / 5.";
    public static final String AUTH_MODE_DEFAULT = "none";

    public static final String AUTH_USERS_FILE_CONFIG = "auth.users.file";
    public static final String AUTH_USERS_FILE_DOC = "File of users and their salted SCRAM-SHA-256 credentials, one "
            + "per line (user:SCRAM-SHA-256:iterations:salt:storedKey:serverKey, produced by `bin/tributary passwd "
            + "USER`); read at start. Empty: no users, and no enhanced authentication method is offered.";
    public static final String AUTH_USERS_FILE_DEFAULT = "";

    public static final String ACL_NO_MATCH_CONFIG = "acl.no.match";
    public static final String ACL_NO_MATCH_DOC =
            "What a PUBLISH or SUBSCRIBE gets when no ACL rule of the cluster metadata "
                    + "(bin/tributary admin acl put) applies to it: allow (a cluster without rules behaves as one without ACLs) "
                    + "or deny. Refused: MQTT 5 PUBACK / PUBREC / SUBACK / CONNACK 0x87, MQTT 3.1.1 SUBACK 0x80, CONNACK 5 or a "
                    + "closed connection. See \"Access control\" in docs/operations.md.";
    public static final String ACL_NO_MATCH_DEFAULT = "allow";

    public static final String ACL_SUBSCRIBE_OVERLAPPING_DENY_CONFIG = "acl.subscribe.overlapping.deny";
    public static final String ACL_SUBSCRIBE_OVERLAPPING_DENY_DOC =
            "What a SUBSCRIBE gets whose filter merely overlaps a DENY rule (e.g. # or +/+ against a DENY of "
                    + "test/nosubscribe). filter: granted, and each message is checked against the rules at delivery, so "
                    + "the denied topics never reach the subscriber (as mosquitto does). refuse: refused (MQTT 5 SUBACK "
                    + "0x87, MQTT 3.1.1 0x80). A filter that lies wholly inside a DENY is refused either way. See "
                    + "docs/security.md.";
    public static final String ACL_SUBSCRIBE_OVERLAPPING_DENY_DEFAULT = "filter";

    public static final String AUTH_CLIENT_ID_MUST_MATCH_CONFIG = "auth.client-id.must-match";
    public static final String AUTH_CLIENT_ID_MUST_MATCH_DOC =
            "Whether an authenticated client's id must match its user name: none, prefix (the client id starts with "
                    + "the user name) or equal. Refused: MQTT 5 CONNACK 0x87, MQTT 3.1.1 return code 5. Anonymous clients "
                    + "(auth.mode=none) are not checked. See docs/security.md.";
    public static final String AUTH_CLIENT_ID_MUST_MATCH_DEFAULT = "none";

    // ---- Cluster metadata and admin ----

    public static final String PLACEMENT_TOPIC_CONFIG = "kafka.topic.placement";
    public static final String PLACEMENT_TOPIC_DOC =
            "Compacted Kafka topic of the cluster metadata (nodes, dynamic config, "
                    + "mapping rules, users, ACLs), shared by every node of the cluster. Created with one partition if missing.";
    public static final String PLACEMENT_TOPIC_DEFAULT = "mqtt.placement";

    public static final String ADMIN_HTTP_PORT_CONFIG = "admin.http.port";
    public static final String ADMIN_HTTP_PORT_DOC =
            "Port of the node's admin HTTP API (see docs/operations.md); -1 turns it off, " + "0 picks a free port.";
    public static final int ADMIN_HTTP_PORT_DEFAULT = -1;

    public static final String ADMIN_HTTP_BIND_CONFIG = "admin.http.bind";
    public static final String ADMIN_HTTP_BIND_DOC =
            "Address the admin HTTP API binds to. Every request needs credentials (admin.http.token.file, "
                    + "admin.users); still, keep it on a management network.";
    public static final String ADMIN_HTTP_BIND_DEFAULT = "127.0.0.1";

    public static final String ADVERTISED_HOST_CONFIG = "node.advertised.host";
    public static final String ADVERTISED_HOST_DOC = "Host other nodes and the admin CLI use to reach this node's "
            + "listeners (recorded in the cluster metadata). Empty: each listener's bind address, or this machine's "
            + "address when the listener binds to a wildcard (0.0.0.0, ::), as in a container.";

    // ---- Configuration ----

    public static final String STRICT_CONFIG_CONFIG = "strict.config";
    public static final String STRICT_CONFIG_DOC = "true: a setting the node does not know (a typo such as mqtt.prot) "
            + "fails the start, naming it and the nearest known setting. false: it is logged as a WARN and ignored. "
            + "Keys under kafka.client. (the Kafka clients') and config.providers (Kafka's config providers, ${env:X}) are "
            + "not checked here.";
    public static final boolean STRICT_CONFIG_DEFAULT = true;
    // Built after every constant above is set: the definitions read the defaults.
    public static final ConfigDef CONFIG_DEF = BrokerConfigDef.build();

    /**
     * Settings a cluster-wide entry of the metadata topic ({@code bin/tributary admin config put}) changes on
     * every node without a restart. The others are read once at start and stay per node.
     */
    public static final Set<String> DYNAMIC_KEYS = Set.of(
            MAX_CONNECTIONS_CONFIG,
            CONNECT_RATE_CONFIG,
            CONNECT_BURST_CONFIG,
            MAX_TOPIC_LEVELS_CONFIG,
            MAX_TOPIC_LENGTH_CONFIG,
            MAX_SUBSCRIPTIONS_CONFIG);

    /**
     * Security settings every node of a cluster must share (a client must not skip authentication by picking a
     * node): the first node stores its values in the cluster metadata, a node whose own explicit value differs
     * refuses to start, and {@code bin/tributary admin config put} changes them on every node, live. See
     * docs/security.md.
     */
    public static final Set<String> CLUSTER_WIDE_KEYS = Set.of(
            AUTH_MODE_CONFIG,
            ACL_NO_MATCH_CONFIG,
            AUTH_CLIENT_ID_MUST_MATCH_CONFIG,
            ACL_SUBSCRIBE_OVERLAPPING_DENY_CONFIG);

    private final List<MappingRule> mappingRules;

    /**
     * @throws ConfigException when a value is invalid, or a key unknown while {@code strict.config} is true
     */
    public BrokerConfig(Map<?, ?> originals) {
        this(originals, true);
    }

    private BrokerConfig(Map<?, ?> originals, boolean checkNames) {
        super(CONFIG_DEF, originals, false);
        if (checkNames) {
            checkNames(originals);
        }
        this.mappingRules = MappingRule.parseAll(getList(MAPPING_RULES_CONFIG), this::originalsWithPrefix);
        validate();
    }

    /** Unknown keys fail the start (strict.config=true) or are logged once each. */
    private void checkNames(Map<?, ?> originals) {
        // config.providers and config.providers.<name>.* are Kafka's config-provider settings (${env:X} and the
        // like), resolved by AbstractConfig before we see the values: theirs to check, not ours.
        Set<String> known = new java.util.TreeSet<>(CONFIG_DEF.names());
        if (originals.keySet().stream().anyMatch(k -> KafkaClientSettings.mayBeShortForm(k.toString()))) {
            known.addAll(KafkaClientSettings.shortFormKeys()); // kafka.security.protocol and the like
        }
        List<String> unknown = new SettingNames(
                        known, getList(MAPPING_RULES_CONFIG), List.of(KAFKA_CLIENT_PREFIX, CONFIG_PROVIDERS_CONFIG))
                .unknown(originals.keySet());
        if (unknown.isEmpty()) {
            return;
        }
        if (getBoolean(STRICT_CONFIG_CONFIG)) {
            throw new ConfigException(
                    String.join("; ", unknown) + " (strict.config=false only warns about unknown settings)");
        }
        unknown.forEach(problem -> LOG.warn("Ignoring {} (strict.config=false)", problem));
    }

    /** Checks across settings, in one place. */
    private void validate() {
        String messages = getString(MESSAGES_TOPIC_CONFIG);
        String retained = getString(RETAINED_TOPIC_CONFIG);
        String sessions = getString(SESSIONS_TOPIC_CONFIG);
        String placement = getString(PLACEMENT_TOPIC_CONFIG);
        if (Set.of(messages, retained, sessions, placement).size() < 4) {
            throw new ConfigException("kafka.topic.messages, kafka.topic.retained, kafka.topic.sessions and "
                    + "kafka.topic.placement must be four different topics");
        }
        for (MappingRule rule : mappingRules) {
            if (internalTopics().contains(rule.kafkaTopic())) {
                throw new ConfigException(
                        "mapping rule '" + rule.name() + "' targets the internal topic " + rule.kafkaTopic());
            }
        }
        if (getShort(REPLICATION_FACTOR_CONFIG) == 0 || getShort(REPLICATION_FACTOR_CONFIG) < -1) {
            throw new ConfigException(
                    REPLICATION_FACTOR_CONFIG, getShort(REPLICATION_FACTOR_CONFIG), "must be -1 or at least 1");
        }
        ListenerSettings.validate(this);
        KafkaClientSettings.validate(this);
        JwtSettings.validate(this);
        AdminApiSettings.validate(this);
    }

    /**
     * This configuration with the dynamic settings of the cluster metadata applied over it (only keys of
     * {@link #DYNAMIC_KEYS}; others are ignored).
     *
     * @throws ConfigException when an override is not a valid value
     */
    public BrokerConfig withOverrides(Map<String, String> overrides) {
        Map<String, Object> merged = new HashMap<>(originals());
        overrides.forEach((k, v) -> {
            if (DYNAMIC_KEYS.contains(k)) {
                merged.put(k, v);
            }
        });
        return new BrokerConfig(merged, false); // its keys were checked when this configuration was made
    }

    /** The topics of the node's own state, which no mapping rule may target. */
    public Set<String> internalTopics() {
        return Set.of(
                getString(RETAINED_TOPIC_CONFIG),
                getString(SESSIONS_TOPIC_CONFIG),
                getString(PLACEMENT_TOPIC_CONFIG),
                SysSettings.statsTopic(this));
    }

    public List<MappingRule> mappingRules() {
        return mappingRules;
    }

    public String nodeId() {
        String id = getString(NODE_ID_CONFIG);
        return id.isEmpty() ? getString(MQTT_BIND_CONFIG) + ":" + getInt(MQTT_PORT_CONFIG) : id;
    }
}
