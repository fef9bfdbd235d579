/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.mqtt.sys.ClusterStats;
import io.tributary.mqtt.sys.NodeStats;
import io.tributary.mqtt.sys.NodeStatsLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node stats topic ({@code sys.stats.topic}): compacted, one record per node keyed by its id, holding its
 * latest {@link NodeStats} as JSON; a graceful stop writes a tombstone. Every node follows the topic with its
 * other compacted topics, so each one knows the figures of all of them (the cluster-wide $SYS tree and the web
 * console). Compaction keeps the topic at one record per node that ever ran, however long the cluster runs.
 */
public final class KafkaNodeStatsLog implements NodeStatsLog {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaNodeStatsLog.class);
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final KafkaSender sender;
    private final String topic;

    public KafkaNodeStatsLog(KafkaSender sender, String topic) {
        this.sender = sender;
        this.topic = topic;
    }

    @Override
    public void write(NodeStats stats) {
        send(stats.nodeId(), serialize(stats));
    }

    @Override
    public void remove(String nodeId) {
        send(nodeId, null);
    }

    private void send(String nodeId, byte @Nullable [] value) {
        try {
            sender.send(new ProducerRecord<>(topic, nodeId.getBytes(StandardCharsets.UTF_8), value))
                    .whenComplete((ok, e) -> {
                        if (e != null) {
                            notWritten(nodeId, e);
                        }
                    });
        } catch (RuntimeException e) {
            notWritten(nodeId, e); // e.g. the tombstone of a stopping node whose retry timer has stopped
        }
    }

    private static void notWritten(String nodeId, Throwable e) {
        // The next interval's report supersedes this one, a stale one stops counting; Kafka's outage is logged
        // elsewhere, once.
        LOG.debug("Node stats report for {} not written: {}", nodeId, e.toString());
    }

    static byte[] serialize(NodeStats stats) {
        try {
            return JSON.writeValueAsBytes(stats);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the topic's tail does with each record: a report replaces the node's previous one, a tombstone drops it. */
    public static Consumer<ConsumerRecord<byte[], byte[]>> replayInto(ClusterStats cluster) {
        return record -> {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                cluster.remove(new String(record.key(), StandardCharsets.UTF_8));
                return;
            }
            try {
                cluster.apply(JSON.readValue(record.value(), NodeStats.class));
            } catch (IOException e) {
                LOG.warn("Skipping a record of the node stats topic at offset {}: {}", record.offset(), e.toString());
            }
        };
    }
}
