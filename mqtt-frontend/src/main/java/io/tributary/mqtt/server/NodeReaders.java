/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.KafkaClientSettings;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.kafka.CatchUpReader;
import io.tributary.mqtt.kafka.ShardReader;
import io.tributary.mqtt.kafka.ShareTakenMarkers;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.ops.NodeMeters;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.shared.SharedSubscriptions;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's readers of message shards: the live reader (every shard, from its end), the catch-up readers of
 * sessions that fell behind, and the share-group readers of shared subscriptions with local members.
 */
final class NodeReaders implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeReaders.class);

    private final ShardReader live;
    private final CatchUpReader catchUp;
    private final SharedSubscriptions shared;

    private NodeReaders(ShardReader live, CatchUpReader catchUp, SharedSubscriptions shared) {
        this.live = live;
        this.catchUp = catchUp;
        this.shared = shared;
    }

    static NodeReaders start(
            BrokerConfig config,
            Map<String, Object> clientProps,
            Admin admin,
            TopicRouter router,
            Map<String, Integer> partitions,
            SubscriberRegistry subscribers,
            NodeMeters meters,
            @Nullable ShareTakenMarkers shareMarkers) {
        BrokerMetrics metrics = meters.broker();
        int defaultQos = config.getInt(BrokerConfig.PLAIN_RECORD_QOS_CONFIG);
        Map<String, Object> consumerProps = KafkaClientSettings.consumer(clientProps);
        CatchUpReader catchUp = new CatchUpReader(
                2,
                () -> new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                router,
                defaultQos,
                metrics);
        KafkaConsumer<byte[], byte[]> liveConsumer =
                new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        meters.bindKafka(liveConsumer, "live-reader");
        ShardReader live = new ShardReader(
                liveConsumer,
                ShardReader.shardsOf(partitions, router.messageTopics()),
                router,
                subscribers,
                catchUp,
                defaultQos,
                metrics,
                java.time.Duration.ofMillis(config.getInt(BrokerConfig.DELIVERY_TIMEOUT_CONFIG)));
        subscribers.setLiveDemand(live.demand());
        catchUp.setReader(live);
        live.start();
        SharedSubscriptions shared = ShareGroups.subscriptions(
                config, admin, clientProps, router, live, defaultQos, metrics, meters.shareConsumers(), shareMarkers);
        subscribers.setSharedMembers(shared);
        return new NodeReaders(live, catchUp, shared);
    }

    ShardReader live() {
        return live;
    }

    CatchUpReader catchUp() {
        return catchUp;
    }

    /** Stops reading at once, as a killed process would; share groups are left to time out. */
    void crash() {
        closeQuietly(live);
        closeQuietly(catchUp);
    }

    @Override
    public void close() {
        closeQuietly(shared);
        closeQuietly(live);
        closeQuietly(catchUp);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("close failed", e);
        }
    }
}
