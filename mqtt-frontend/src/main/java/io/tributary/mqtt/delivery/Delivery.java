/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import io.tributary.mqtt.message.Message;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * A message on its way to one session.
 *
 * @param qos             min(publish QoS, granted QoS)
 * @param retain          the RETAIN flag of the outbound PUBLISH
 * @param subscriptionIds MQTT 5 identifiers of the matching subscriptions (may be empty)
 * @param shard           Kafka partition it was read from; null for retained messages sent on subscribe
 * @param offset          its offset in that partition, -1 without a shard
 * @param dup             true when it may have been sent to this session before (resumed in-flight message)
 * @param lease           the share-group record of a shared subscription's message, settled when the member
 *                        completes it; null for every other message
 */
public record Delivery(
        Message message,
        int qos,
        boolean retain,
        int[] subscriptionIds,
        @Nullable TopicPartition shard,
        long offset,
        boolean dup,
        @Nullable ShareLease lease) {

    public Delivery(
            Message message,
            int qos,
            boolean retain,
            int[] subscriptionIds,
            @Nullable TopicPartition shard,
            long offset,
            boolean dup) {
        this(message, qos, retain, subscriptionIds, shard, offset, dup, null);
    }

    /** A message of a shared subscription: no shard cursor, completion settles the share-group record. */
    public static Delivery shared(Message message, int qos, boolean retain, int[] subscriptionIds, ShareLease lease) {
        return new Delivery(message, qos, retain, subscriptionIds, null, -1, false, lease);
    }

    public static final int[] NO_IDS = new int[0];

    private static final Message RELEASED =
            new Message("", new byte[0], 2, false, null, io.tributary.mqtt.message.MessageProperties.NONE);

    /**
     * Stands in for a shared QoS 2 message an earlier connection had in flight, until it is read again (or, when
     * released, for good: only its PUBREL is owed).
     */
    static Delivery resumedShared(DeliveryState.SharedInFlight s) {
        int[] ids = s.subscriptionIds().stream().mapToInt(Integer::intValue).toArray();
        ShareLease lease = new ShareLease.Accepted(Shards.parse(s.partition()), s.offset());
        return new Delivery(RELEASED, 2, s.retain(), ids, null, -1, true, lease);
    }

    /** True for a stand-in without its message: {@link #released} and {@link #resumedShared}. */
    boolean standsIn() {
        return message == RELEASED;
    }

    /** A QoS 2 message the client already holds (PUBREC seen): only its place in the shard is still needed. */
    static Delivery released(TopicPartition shard, long offset) {
        return new Delivery(RELEASED, 2, false, NO_IDS, shard, offset, true);
    }
}
