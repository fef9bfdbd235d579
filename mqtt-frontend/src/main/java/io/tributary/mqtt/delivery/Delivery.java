/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import io.tributary.mqtt.publish.Message;

/**
 * A message on its way to one session.
 *
 * @param qos             min(publish QoS, granted QoS)
 * @param retain          the RETAIN flag of the outbound PUBLISH
 * @param subscriptionIds MQTT 5 identifiers of the matching subscriptions (may be empty)
 * @param shard           Kafka partition it was read from; null for retained messages sent on subscribe
 * @param offset          its offset in that partition, -1 without a shard
 * @param dup             true when it may have been sent to this session before (resumed in-flight message)
 */
public record Delivery(Message message, int qos, boolean retain, int[] subscriptionIds,
                       @Nullable TopicPartition shard, long offset, boolean dup) {

    static final int[] NO_IDS = new int[0];
}
