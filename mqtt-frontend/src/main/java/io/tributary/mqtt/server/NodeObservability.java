/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.SysSettings;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.kafka.KafkaNodeStatsLog;
import io.tributary.mqtt.kafka.KafkaSender;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.ops.ConsoleSources;
import io.tributary.mqtt.ops.NodeOps;
import io.tributary.mqtt.ops.OpsHttpServer;
import io.tributary.mqtt.ops.WebConsole;
import io.tributary.mqtt.placement.Placement;
import io.tributary.mqtt.publish.MessageLog;
import io.tributary.mqtt.publish.TopicRates;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.session.SessionState;
import io.tributary.mqtt.sys.ClusterStats;
import io.tributary.mqtt.sys.SysTopicPublisher;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What a node tells about itself and the cluster: its figures on the node stats topic and under
 * {@code $SYS/}, every node's latest figures read back from that topic, and the web console that shows them.
 */
final class NodeObservability {

    private final String nodeId;
    private final Clock clock;
    /** Every node's latest figures, read from the node stats topic ($SYS/tributary/, the console). */
    private final ClusterStats clusterStats;
    /** This node's figures, written to the node stats topic for the other nodes. */
    private final KafkaNodeStatsLog statsLog;
    /** Messages this node took, per topic, for the web console. */
    private final TopicRates topicRates = new TopicRates();

    NodeObservability(BrokerConfig config, KafkaSender sender, Clock clock) {
        this.nodeId = config.nodeId();
        this.clock = clock;
        this.clusterStats = new ClusterStats(clock::millis, SysSettings.staleAfterMillis(config));
        this.statsLog = new KafkaNodeStatsLog(sender, SysSettings.statsTopic(config));
    }

    /** Applies the node stats topic's records to the cluster's figures. */
    Consumer<ConsumerRecord<byte[], byte[]>> statsReplay() {
        return KafkaNodeStatsLog.replayInto(clusterStats);
    }

    /** {@code log}, counting the messages it takes per topic. */
    MessageLog countingMessages(MessageLog log) {
        return topicRates.counting(log);
    }

    /** Publishes this node's $SYS topics and stats every {@code sys.interval.ms}; never when it is 0. */
    void publishSys(
            ScheduledExecutorService timer,
            int intervalMs,
            BrokerMetrics metrics,
            SubscriberRegistry subscribers,
            LongSupplier kafkaLag) {
        if (intervalMs <= 0) {
            return;
        }
        timer.scheduleWithFixedDelay(
                new SysTopicPublisher(nodeId, metrics, subscribers, kafkaLag, clock::millis, clusterStats, statsLog),
                intervalMs,
                intervalMs,
                TimeUnit.MILLISECONDS);
    }

    /** Mounts the web console on the ops listener; nothing when that listener is off. */
    void mountConsole(
            NodeOps operations,
            Placement placement,
            SessionRegistry sessions,
            SubscriberRegistry subscribers,
            Supplier<List<TopicPartition>> liveShards,
            Supplier<List<SessionState>> storedSessions,
            List<String> mqttListeners) {
        OpsHttpServer ops = operations.server();
        if (ops == null) {
            return;
        }
        WebConsole.mount(
                ops,
                new ConsoleSources(
                        nodeId,
                        operations.metrics(),
                        operations.meters().registry(),
                        operations.health(),
                        clusterStats,
                        placement.store()::image,
                        sessions,
                        subscribers,
                        liveShards,
                        storedSessions,
                        topicRates,
                        mqttListeners,
                        clock::millis));
    }

    /** Removes this node's figures, after its last report: a node that left is not counted, at once. */
    void leave() {
        statsLog.remove(nodeId);
    }
}
