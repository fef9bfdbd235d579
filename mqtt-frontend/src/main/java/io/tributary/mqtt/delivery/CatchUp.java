/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import io.tributary.mqtt.delivery.SubscriberRegistry.Subscriber;

/**
 * The port through which a session that fell behind (outbox overflow, or resumed with stored offsets older
 * than the live reader's) gets its messages replayed from Kafka until it can join live delivery again. The
 * Kafka adapter is {@code kafka.CatchUpReader}.
 */
public interface CatchUp {

    /** Replays the subscriber's shards from its cursors; never blocks the caller. */
    void schedule(Subscriber subscriber);
}
