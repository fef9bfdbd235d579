/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The hold a shared subscription's member has on one Kafka share-group record (see
 * {@code io.tributary.mqtt.shared}). The outbox settles it exactly once: {@link #accept()} when the member has
 * the message (QoS 0 written, PUBACK, a QoS 2 message once it takes its packet id), {@link #release()} when it
 * never will (connection gone first), so that Kafka delivers the record to another member. Implementations are
 * thread-safe and idempotent.
 */
public interface ShareLease {

    void accept();

    /**
     * As {@link #accept()}, for a QoS 2 record whose marker (see {@link DeliveryState.SharedInFlight#shareGroup}) went
     * to Kafka with the member's stored session: the reader removes the marker once the ACCEPT is committed.
     */
    default void acceptMarked() {
        accept();
    }

    void release();

    /** The share group the record was delivered by; null for a stand-in that is settled already. */
    default @Nullable String group() {
        return null;
    }

    /** The partition of the share-group record (a partition of a message topic). */
    TopicPartition partition();

    /** The offset of the share-group record in its partition. */
    long offset();

    /**
     * A record an earlier connection of the member took and its share group has accepted: settling it again does
     * nothing. It stands for a resumed session's shared QoS 2 message in flight.
     */
    record Accepted(TopicPartition partition, long offset) implements ShareLease {

        @Override
        public void accept() {}

        @Override
        public void release() {}
    }
}
