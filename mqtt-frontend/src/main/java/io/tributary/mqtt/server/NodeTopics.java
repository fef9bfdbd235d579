/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.KafkaClientSettings;
import io.tributary.mqtt.kafka.TopicProvisioner;
import io.tributary.mqtt.kafka.TopicProvisioner.TopicSpec;
import io.tributary.placement.DurationText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.config.TopicConfig;

/** The node's Kafka topics: created or checked at start (and when a mapping rule names a new one), then warmed. */
final class NodeTopics {

    private final BrokerConfig config;
    private final Admin admin;
    private final int maxPacket;

    NodeTopics(BrokerConfig config, Admin admin) {
        this.config = config;
        this.admin = admin;
        this.maxPacket = config.getInt(BrokerConfig.MAX_PACKET_SIZE_CONFIG);
    }

    /** The message topics of the router, the retained and the sessions topic; returns each one's partition count. */
    Map<String, Integer> ensureAll(Collection<String> messageTopics, String retainedTopic, String sessionsTopic) {
        int partitions = config.getInt(BrokerConfig.MESSAGES_PARTITIONS_CONFIG);
        List<TopicSpec> specs = new ArrayList<>(messageSpecs(messageTopics));
        specs.add(new TopicSpec(retainedTopic, partitions, true, sized()));
        // A session record may hold a will as large as a packet (base64 in JSON): see "Wills of a dead node".
        specs.add(new TopicSpec(
                sessionsTopic,
                partitions,
                true,
                Map.of(
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        Integer.toString(KafkaClientSettings.sessionRecordLimit(maxPacket)))));
        return provisioner().ensure(specs);
    }

    /** The node stats topic: compacted, one partition (one small record per node, read whole by every node). */
    Map<String, Integer> ensureNodeStats(String statsTopic) {
        return provisioner().ensure(List.of(new TopicSpec(statsTopic, 1, true, Map.of())));
    }

    /** Creates or checks topics that carry MQTT messages (those a new mapping rule names, say). */
    Map<String, Integer> ensureMessageTopics(Collection<String> topics) {
        return provisioner().ensure(messageSpecs(topics));
    }

    private List<TopicSpec> messageSpecs(Collection<String> topics) {
        int partitions = config.getInt(BrokerConfig.MESSAGES_PARTITIONS_CONFIG);
        List<TopicSpec> specs = new ArrayList<>();
        for (String topic : topics) {
            specs.add(new TopicSpec(topic, partitions, false, sized()));
        }
        return specs;
    }

    /** Room for the largest packet plus headers, so whatever a client may send fits in one record. */
    private Map<String, String> sized() {
        return Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxPacket + 65536));
    }

    private TopicProvisioner provisioner() {
        return new TopicProvisioner(admin, config.getShort(BrokerConfig.REPLICATION_FACTOR_CONFIG));
    }

    /**
     * Loads the producer's metadata of every topic it writes, so that send() on an event loop never needs to
     * wait for it (max.block.ms is 0: each call below only asks for it, and fails until it has arrived).
     */
    static void warmMetadata(Producer<byte[], byte[]> producer, Set<String> topics) throws InterruptedException {
        Duration wait = Duration.ofSeconds(60);
        long deadline = System.nanoTime() + wait.toNanos();
        for (String topic : topics) {
            while (true) {
                try {
                    producer.partitionsFor(topic);
                    break;
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "no metadata for topic " + topic + " within " + DurationText.of(wait), e);
                    }
                    Thread.sleep(20); // a start-up wait on the main thread, not on an event loop or in a test
                }
            }
        }
    }
}
