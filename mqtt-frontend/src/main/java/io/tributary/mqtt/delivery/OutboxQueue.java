/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * The messages waiting to be written to one client, in the order they are to be written. Bounded, so that a slow
 * client holds back its own shards (they switch to catch-up) rather than the node's memory. Not thread-safe:
 * guarded by its outbox's lock.
 */
final class OutboxQueue {

    // Starts small (grows on the first messages): most sessions of a large node are idle most of the time.
    private final ArrayDeque<Delivery> deliveries = new ArrayDeque<>(1);
    private final int capacity;

    OutboxQueue(int capacity) {
        this.capacity = capacity;
    }

    boolean isFull() {
        return deliveries.size() >= capacity;
    }

    int size() {
        return deliveries.size();
    }

    void add(Delivery d) {
        deliveries.add(d);
    }

    /**
     * Takes the next message to write, or null when there is none or it is QoS 1/2 and the in-flight window is
     * full. A QoS 0 message needs no room in the window; a QoS 1/2 message at the head holds back the ones behind
     * it, so the client sees the order they were queued in.
     */
    @Nullable
    Delivery poll(boolean windowFull) {
        Delivery d = deliveries.peek();
        if (d == null || (d.qos() > 0 && windowFull)) {
            return null;
        }
        return deliveries.poll();
    }

    /** The connection is gone: drops everything, and the shared messages go back to their share groups. */
    void releaseAll() {
        for (Delivery d : deliveries) {
            if (d.lease() != null) {
                d.lease().release();
            }
        }
        deliveries.clear();
    }
}
