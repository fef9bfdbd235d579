/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import java.util.HashMap;
import java.util.Map;
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
    /** Packet ids of deliveries written to the client and not yet acknowledged, by offset. */
    final Map<Long, Integer> packetIds = new HashMap<>();
    /** One past the highest offset the client acknowledged. */
    long ackedUpTo;

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
        // Live with nothing outstanding: everything handed over was acknowledged, even records of a batch
        // the reader has not finished dispatching yet (its dispatched position still lags behind them).
        return live ? Math.max(Math.max(liveFrom, readerDispatched), ackedUpTo) : catchUpFrom;
    }

    void acknowledged(long offset) {
        outstanding.remove(offset);
        packetIds.remove(offset);
        ackedUpTo = Math.max(ackedUpTo, offset + 1);
        long floor;
        if (!outstanding.isEmpty()) {
            floor = outstanding.first();
        } else if (live) {
            skip.clear(); // the floor moves past everything delivered
            return;
        } else {
            // A replay has yet to pass offsets at or above where it stands: those still in the skip set
            // (e.g. a QoS 2 message completed by PUBCOMP after a reconnect) must stay skipped.
            floor = catchUpFrom;
        }
        if (offset > floor || (outstanding.isEmpty() && offset == floor)) {
            skip.add(offset);
        }
        skip.headSet(floor).clear();
    }
}
