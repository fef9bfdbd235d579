/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.sys;

import io.tributary.mqtt.delivery.Delivery;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.topic.Subscription;
import io.tributary.mqtt.topic.TopicName;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the node's statistics under {@code $SYS/brokers/{node}/...} to the node's own subscribers,
 * every {@code sys.interval.ms}. The messages are not written to Kafka: each node reports itself, the data
 * topics stay free of broker chatter, and a subscriber to {@code $SYS/#} sees the node it is connected to.
 * They go straight into the matching sessions' outboxes at QoS 0 (a statistic superseded every interval is not
 * worth a retransmission). A leading wildcard does not match them [MQTT-4.7.2-1]: the subscription trie skips
 * '$' topics for '#' and '+' at the first level. The tree is in docs/operations.md ("$SYS topics").
 */
public final class SysTopicPublisher implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SysTopicPublisher.class);
    /** A subscriber that has not drained this many queued messages gets no more statistics until it does. */
    static final int MAX_QUEUED = 1000;

    private final String prefix;
    private final BrokerMetrics metrics;
    private final SubscriberRegistry subscribers;
    private final LongSupplier kafkaLag;
    private final LongSupplier clockMillis;
    private final long startedAtMillis;

    public SysTopicPublisher(
            String nodeId,
            BrokerMetrics metrics,
            SubscriberRegistry subscribers,
            LongSupplier kafkaLag,
            LongSupplier clockMillis) {
        this.prefix = "$SYS/brokers/" + topicLevel(nodeId) + "/";
        this.metrics = metrics;
        this.subscribers = subscribers;
        this.kafkaLag = kafkaLag;
        this.clockMillis = clockMillis;
        this.startedAtMillis = clockMillis.getAsLong();
    }

    /** A node id as one topic level: wildcards, separators and U+0000 replaced [MQTT-4.7.3-2]. */
    static String topicLevel(String nodeId) {
        return nodeId.replaceAll("[/+#\u0000]", "_");
    }

    /** The statistics of this moment, topic (under the node's prefix) to value. */
    public Map<String, String> statistics() {
        Map<String, String> stats = new LinkedHashMap<>();
        stats.put("clients/connected", Long.toString(metrics.getConnections()));
        stats.put("connections/open", Long.toString(metrics.getOpenConnections()));
        stats.put("messages/received", Long.toString(metrics.getPublishesIn()));
        stats.put("messages/sent", Long.toString(metrics.getMessagesOut()));
        stats.put("messages/dropped", Long.toString(metrics.getQos0Dropped()));
        stats.put("bytes/received", Long.toString(metrics.getBytesIn()));
        stats.put("bytes/sent", Long.toString(metrics.getBytesOut()));
        stats.put("kafka/lag", Long.toString(kafkaLag.getAsLong()));
        stats.put("uptime", Long.toString((clockMillis.getAsLong() - startedAtMillis) / 1000));
        return stats;
    }

    @Override
    public void run() {
        try {
            for (Map.Entry<String, String> e : statistics().entrySet()) {
                deliver(new Message(
                        prefix + e.getKey(),
                        e.getValue().getBytes(StandardCharsets.UTF_8),
                        0,
                        false,
                        null,
                        MessageProperties.NONE));
            }
        } catch (RuntimeException e) {
            // On the node's timer: one failed round must not cancel the schedule.
            LOG.warn("Publishing $SYS statistics failed: {}", e.toString());
        }
    }

    private void deliver(Message message) {
        Map<SubscriberRegistry.Subscriber, int[]> ids = new IdentityHashMap<>();
        subscribers.match(
                TopicName.levels(message.topic()),
                (subscriber, subscription) -> ids.merge(subscriber, idsOf(subscription), SysTopicPublisher::concat));
        ids.forEach((subscriber, subscriptionIds) -> {
            var outbox = subscriber.outbox();
            if (outbox.isAttached() && outbox.queued() < MAX_QUEUED && subscriber.mayReceive(message.topic())) {
                outbox.offerRetained(new Delivery(message, 0, false, subscriptionIds, null, -1, false));
            }
        });
    }

    private static int[] idsOf(Subscription s) {
        return s.subscriptionId() == 0 ? new int[0] : new int[] {s.subscriptionId()};
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
