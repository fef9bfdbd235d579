/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.KafkaClientSettings;
import io.tributary.mqtt.kafka.ShardReader;
import io.tributary.mqtt.kafka.ShareGroupReader;
import io.tributary.mqtt.kafka.ShareGroupStart;
import io.tributary.mqtt.kafka.ShareTakenMarkers;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.ops.ShareConsumerMetrics;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.shared.ShareGroupNames;
import io.tributary.mqtt.shared.SharedSubscriptions;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/** Wires shared subscriptions to Kafka share groups: one share consumer per group with members on this node. */
final class ShareGroups {

    private ShareGroups() {}

    static SharedSubscriptions subscriptions(
            BrokerConfig config,
            Admin admin,
            Map<String, Object> clientProps,
            TopicRouter router,
            ShardReader shardReader,
            int defaultQos,
            BrokerMetrics metrics,
            ShareConsumerMetrics consumerMetrics,
            @Nullable ShareTakenMarkers markers) {
        ShareGroupStart start = new ShareGroupStart(admin, router.messageTopics(), shardReader.shards());
        return new SharedSubscriptions(sub -> {
            String groupId = ShareGroupNames.groupId(
                    sub.filter().shareGroup(), String.join("/", sub.filter().levels()), router.messageTopics());
            Map<String, Object> props = KafkaClientSettings.shareConsumer(config, clientProps, groupId);
            return new ShareGroupReader(
                    groupId,
                    sub.filter(),
                    () -> {
                        var consumer = new KafkaShareConsumer<>(
                                props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                        consumerMetrics.opened(consumer);
                        return consumer;
                    },
                    start,
                    router,
                    defaultQos,
                    metrics,
                    markers,
                    consumerMetrics::closed);
        });
    }
}
