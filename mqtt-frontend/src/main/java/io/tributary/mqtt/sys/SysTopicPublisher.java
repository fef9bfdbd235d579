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
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code sys.interval.ms}: measures the node, reports the figures to the other nodes through the
 * {@link NodeStatsLog}, and publishes the $SYS tree ({@link SysTree}) to the node's own subscribers: its own
 * subtree, the subtree of every node that reports, and the cluster's totals.
 *
 * <p>The $SYS messages themselves are not written to Kafka: the data topics stay free of broker chatter, and each
 * node builds the same tree from the reports it reads (one small compacted record per node, not a message per
 * figure). They go straight into the matching sessions' outboxes at QoS 0 (a statistic superseded every interval
 * is not worth a retransmission). A leading wildcard does not match them [MQTT-4.7.2-1]: the subscription trie
 * skips '$' topics for '#' and '+' at the first level. The tree is in docs/operations.md ("$SYS topics").
 */
public final class SysTopicPublisher implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SysTopicPublisher.class);
    /** A subscriber that has not drained this many queued messages gets no more statistics until it does. */
    static final int MAX_QUEUED = 1000;

    private final String nodeId;
    private final String prefix;
    private final BrokerMetrics metrics;
    private final SubscriberRegistry subscribers;
    private final LongSupplier kafkaLag;
    private final LongSupplier clockMillis;
    private final long startedAtMillis;
    private final ClusterStats cluster;
    private final NodeStatsLog reports;
    private @Nullable NodeStats previous;

    public SysTopicPublisher(
            String nodeId,
            BrokerMetrics metrics,
            SubscriberRegistry subscribers,
            LongSupplier kafkaLag,
            LongSupplier clockMillis,
            ClusterStats cluster,
            NodeStatsLog reports) {
        this.nodeId = nodeId;
        this.prefix = "$SYS/brokers/" + SysTree.topicLevel(nodeId) + "/";
        this.metrics = metrics;
        this.subscribers = subscribers;
        this.kafkaLag = kafkaLag;
        this.clockMillis = clockMillis;
        this.startedAtMillis = clockMillis.getAsLong();
        this.cluster = cluster;
        this.reports = reports;
    }

    /** The node's figures now, with its message rates since the previous measurement (or since the start). */
    public synchronized NodeStats measure() {
        long now = clockMillis.getAsLong();
        long received = metrics.getPublishesIn();
        long sent = metrics.getMessagesOut();
        NodeStats last = previous;
        long sinceMillis = last == null ? now - startedAtMillis : now - last.atMillis();
        double seconds = Math.max(sinceMillis, 1) / 1000.0;
        NodeStats stats = new NodeStats(
                nodeId,
                now,
                (now - startedAtMillis) / 1000,
                metrics.getConnections(),
                metrics.getOpenConnections(),
                received,
                sent,
                metrics.getQos0Dropped(),
                metrics.getBytesIn(),
                metrics.getBytesOut(),
                kafkaLag.getAsLong(),
                (received - (last == null ? 0 : last.messagesReceived())) / seconds,
                (sent - (last == null ? 0 : last.messagesSent())) / seconds);
        previous = stats;
        return stats;
    }

    @Override
    public void run() {
        try {
            NodeStats own = measure();
            cluster.apply(own); // at once: this node's tree does not wait for its report's round trip
            reports.write(own);
            Map<String, String> tree = new LinkedHashMap<>();
            SysTree.node(own).forEach((k, v) -> tree.put(prefix + k, v));
            List<NodeStats> fresh = cluster.fresh();
            fresh.forEach(s -> tree.putAll(SysTree.clusterNode(s)));
            tree.putAll(SysTree.cluster(cluster.summary(), fresh));
            tree.forEach(this::deliver);
        } catch (RuntimeException e) {
            // On the node's timer: one failed round must not cancel the schedule.
            LOG.warn("Publishing $SYS statistics failed: {}", e.toString());
        }
    }

    private void deliver(String topic, String value) {
        Message message =
                new Message(topic, value.getBytes(StandardCharsets.UTF_8), 0, false, null, MessageProperties.NONE);
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
