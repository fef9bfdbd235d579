/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

/**
 * The hold a shared subscription's member has on one Kafka share-group record (see
 * {@code io.tributary.mqtt.shared}). The outbox settles it exactly once: {@link #accept()} when the member has
 * the message (QoS 0 written, PUBACK, PUBREC), {@link #release()} when it never will (connection gone first),
 * so that Kafka delivers the record to another member. Implementations are thread-safe and idempotent.
 */
public interface ShareLease {

    void accept();

    void release();
}
