/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings of a broker node's Kafka clients, computed from its {@link BrokerConfig}: what every client shares
 * (bootstrap servers plus the pass-through), and what the producer, the consumers and the share consumers add on
 * top. Settings the delivery guarantees rest on are applied last, so no pass-through setting can override them.
 * <p>
 * The pass-through has two forms: {@code kafka.client.NAME} hands any {@code NAME} to every client, and the short
 * {@code kafka.NAME} does the same for the settings every Kafka client takes, the connection and its security
 * ({@code kafka.security.protocol=SASL_SSL}, {@code kafka.sasl.jaas.config}, {@code kafka.ssl.truststore.location}),
 * as in the node's own {@code kafka.bootstrap.servers}.
 */
public final class KafkaClientSettings {

    private KafkaClientSettings() {}

    /** The short form's prefix: {@code kafka.security.protocol} is {@code security.protocol} of every client. */
    static final String SHORT_PREFIX = "kafka.";

    /**
     * The keys of the short form: {@code kafka.} + each setting Kafka's producer, consumer and admin client all
     * take, except those the node defines itself ({@code kafka.bootstrap.servers}) and those that read as the long
     * form ({@code client.id} would be {@code kafka.client.id}, i.e. {@code id}). Settings of one kind of client
     * only ({@code acks}, {@code group.id}) are not passed to all: they go through {@code kafka.client.}.
     */
    public static Set<String> shortFormKeys() {
        return ShortForm.KEYS;
    }

    /** Computed on first use: it reads the node's ConfigDef, which must be complete by then. */
    private static final class ShortForm {
        static final Set<String> KEYS = keys();

        private static Set<String> keys() {
            Set<String> shared = new TreeSet<>(ProducerConfig.configNames());
            shared.retainAll(ConsumerConfig.configNames());
            shared.retainAll(AdminClientConfig.configNames());
            Set<String> keys = new TreeSet<>();
            for (String name : shared) {
                String key = SHORT_PREFIX + name;
                if (!key.startsWith(BrokerConfig.KAFKA_CLIENT_PREFIX)
                        && !BrokerConfig.CONFIG_DEF.names().contains(key)) {
                    keys.add(key);
                }
            }
            return Collections.unmodifiableSet(keys);
        }
    }

    /** Settings for every Kafka client of the node: bootstrap servers plus the pass-through of both forms. */
    public static Map<String, Object> common(BrokerConfig config, String bootstrapServers) {
        Map<String, Object> props = new HashMap<>(shortForm(config));
        props.putAll(config.originalsWithPrefix(BrokerConfig.KAFKA_CLIENT_PREFIX));
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }

    /**
     * Whether {@code key} is a {@code kafka.} key the node does not define: only then are Kafka's client settings
     * looked at, so a start that fails early (a busy port) does not load them.
     */
    static boolean mayBeShortForm(String key) {
        return key.startsWith(SHORT_PREFIX)
                && !key.startsWith(BrokerConfig.KAFKA_CLIENT_PREFIX)
                && !BrokerConfig.CONFIG_DEF.names().contains(key);
    }

    /** The settings given in the short form, without their prefix. */
    private static Map<String, Object> shortForm(BrokerConfig config) {
        Map<String, Object> props = new HashMap<>();
        config.originals().forEach((key, value) -> {
            if (mayBeShortForm(key) && shortFormKeys().contains(key)) {
                props.put(key.substring(SHORT_PREFIX.length()), value);
            }
        });
        return props;
    }

    /** Refuses a setting given in both forms with two values: neither may silently win. */
    static void validate(BrokerConfig config) {
        Map<String, Object> longForm = config.originalsWithPrefix(BrokerConfig.KAFKA_CLIENT_PREFIX);
        shortForm(config).forEach((name, value) -> {
            Object other = longForm.get(name);
            if (other != null && !other.equals(value)) {
                throw new ConfigException(SHORT_PREFIX + name + " and " + BrokerConfig.KAFKA_CLIENT_PREFIX + name
                        + " set the Kafka clients' " + name + " to two values: keep one of them");
            }
        });
    }

    /** The node's one producer, which writes messages, retained messages and sessions from the event loops. */
    public static Map<String, Object> producer(BrokerConfig config, Map<String, Object> common) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        props.putAll(common);
        // Not overridable: the delivery guarantees rest on them.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                sessionRecordLimit(config.getInt(BrokerConfig.MAX_PACKET_SIZE_CONFIG)));
        long inflight = config.getLong(BrokerConfig.PUBLISH_INFLIGHT_BYTES_CONFIG);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(64L * 1024 * 1024, 4 * inflight));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, config.getInt(BrokerConfig.DELIVERY_TIMEOUT_CONFIG));
        props.put(
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                Math.min(30_000, config.getInt(BrokerConfig.DELIVERY_TIMEOUT_CONFIG) - 10));
        props.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, (int)
                Duration.ofDays(1).toMillis());
        // send() runs on event loops: it must fail at once rather than wait for metadata or buffer space.
        // Topic metadata is loaded at start and kept; buffer space is bounded by publish.max.inflight.bytes.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "tributary-" + config.nodeId());
        return props;
    }

    /** The consumers that read message topics by assigned partitions (no group, no committed offsets). */
    public static Map<String, Object> consumer(Map<String, Object> common) {
        Map<String, Object> props = new HashMap<>(common);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        // QoS 2 messages are written in transactions: an aborted one must never be delivered.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    /** The share consumer of one shared subscription's share group. */
    public static Map<String, Object> shareConsumer(BrokerConfig config, Map<String, Object> common, String groupId) {
        Map<String, Object> props = new HashMap<>(common);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "tributary-" + config.nodeId() + "-" + groupId);
        // Explicit: a record is acknowledged when the member completes it, not when the next poll comes.
        props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        // Every record of a poll must be acknowledged before the next poll: bound the batch (and its locks).
        props.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        return props;
    }

    /**
     * The largest session record: a will payload of a whole packet, base64 (4/3), plus the rest. Both the
     * producer's request size and the sessions topic's {@code max.message.bytes} must admit it.
     */
    public static int sessionRecordLimit(int maxPacket) {
        return (int) Math.min(Integer.MAX_VALUE, maxPacket * 4L / 3 + 65536);
    }
}
