/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import java.util.TreeSet;

/**
 * A session's progress through one shard (Kafka partition). Either LIVE (the node's shard reader hands it
 * records from {@code liveFrom} on) or CATCHING UP (a catch-up reader replays it from {@code catchUpFrom}).
 * Guarded by its outbox's lock.
 */
final class ShardCursor {

    boolean live;
    long liveFrom;
    long catchUpFrom;
    /** Offsets of QoS 1/2 deliveries handed to the session and not yet acknowledged. */
    final TreeSet<Long> outstanding = new TreeSet<>();
    /** Offsets above the committed floor a replay must not deliver again (acknowledged, or awaiting PUBCOMP). */
    final TreeSet<Long> skip = new TreeSet<>();
    /** One past the highest offset ever written to the client: replays below it carry DUP. */
    long sentUpTo;

    static ShardCursor live() {
        ShardCursor c = new ShardCursor();
        c.live = true;
        return c;
    }

    static ShardCursor catchingUp(long from, long sentUpTo) {
        ShardCursor c = new ShardCursor();
        c.catchUpFrom = from;
        c.sentUpTo = sentUpTo;
        return c;
    }

    /** The offset a replay of this shard must start from so that nothing unacknowledged is lost. */
    long committed(long readerDispatched) {
        if (!outstanding.isEmpty()) {
            return outstanding.first();
        }
        return live ? Math.max(liveFrom, readerDispatched) : catchUpFrom;
    }

    void acknowledged(long offset) {
        outstanding.remove(offset);
        if (outstanding.isEmpty()) {
            skip.clear(); // the floor moves past everything delivered
            return;
        }
        long floor = outstanding.first();
        if (offset > floor) {
            skip.add(offset);
        }
        skip.headSet(floor).clear();
    }
}
