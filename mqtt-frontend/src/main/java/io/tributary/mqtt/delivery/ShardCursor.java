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

    /**
     * Whether the live reader may take a replayed shard back at {@code offset}: the replay stands exactly there
     * (everything below is delivered or not the session's), the client never had it (no DUP owed) and it is not
     * one to skip.
     */
    boolean liveMayTakeOverAt(long offset) {
        return offset == catchUpFrom && offset >= sentUpTo && !skip.contains(offset);
    }

    /** The offset a replay of this shard must start from so that nothing unacknowledged is lost. */
    long committed(long readerDispatched) {
        if (!live) {
            return replayFloor(); // nothing below the replay's position may be skipped: it has not been read yet
        }
        if (!outstanding.isEmpty()) {
            return outstanding.first();
        }
        // Live with nothing outstanding: everything handed over was acknowledged, even records of a batch
        // the reader has not finished dispatching yet (its dispatched position still lags behind them).
        return Math.max(Math.max(liveFrom, readerDispatched), ackedUpTo);
    }

    /**
     * While replaying, the lowest offset not yet done: the first outstanding one, or where the replay stands if that
     * is lower (a resumed session's released messages are outstanding before the replay has read up to them).
     */
    private long replayFloor() {
        return outstanding.isEmpty() ? catchUpFrom : Math.min(outstanding.first(), catchUpFrom);
    }

    void acknowledged(long offset) {
        outstanding.remove(offset);
        packetIds.remove(offset);
        ackedUpTo = Math.max(ackedUpTo, offset + 1);
        long floor;
        if (!live) {
            // A replay has yet to pass offsets at or above where it stands: those in the skip set (e.g. QoS 2
            // messages completed by PUBCOMP after a reconnect, before the replay reached them) must stay skipped.
            floor = replayFloor();
        } else if (!outstanding.isEmpty()) {
            floor = outstanding.first();
        } else {
            skip.clear(); // the floor moves past everything delivered
            return;
        }
        if (offset >= floor) {
            skip.add(offset);
        }
        skip.headSet(floor).clear();
    }
}
