/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import org.apache.kafka.common.TopicPartition;

/**
 * The hold a shared subscription's member has on one Kafka share-group record (see
 * {@code io.tributary.mqtt.shared}). The outbox settles it exactly once: {@link #accept()} when the member has
 * the message (QoS 0 written, PUBACK, a QoS 2 message once it takes its packet id), {@link #release()} when it
 * never will (connection gone first), so that Kafka delivers the record to another member. Implementations are
 * thread-safe and idempotent.
 */
public interface ShareLease {

    void accept();

    void release();

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
