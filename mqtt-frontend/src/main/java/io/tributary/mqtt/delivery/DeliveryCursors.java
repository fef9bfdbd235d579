/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import io.tributary.mqtt.delivery.DeliveryState.PendingRelease;
import io.tributary.mqtt.delivery.DeliveryState.SharedInFlight;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * A session's cursor in every shard it reads: whether the live reader or a replay feeds the shard, which offsets
 * are handed over and not yet acknowledged, and the hand-over from replay to live delivery. The offline queue of a
 * persistent session is nothing but this progress. Not thread-safe: guarded by its outbox's lock, which also
 * guards the outbox's queue, so a cursor and the queue change together.
 */
final class DeliveryCursors {

    private final Map<TopicPartition, ShardCursor> cursors = new HashMap<>();
    /**
     * Shards live from the session's start that have no cursor yet: one is made when the shard first hands the
     * session a message. Until then the shard is as a fresh live cursor would be, so the sessions of an idle node
     * share the reader's list instead of holding a cursor per shard each.
     */
    private List<TopicPartition> liveWithoutCursor = List.of();

    // ---- set-up -------------------------------------------------------------------------------------------

    /** A new session: every shard live from now. */
    void startLive(List<TopicPartition> shards) {
        if (cursors.isEmpty() && liveWithoutCursor.isEmpty()) {
            liveWithoutCursor = List.copyOf(shards); // the reader's own (immutable) list: no copy
            return;
        }
        for (TopicPartition tp : shards) {
            if (!liveWithoutCursor.contains(tp)) {
                cursors.putIfAbsent(tp, ShardCursor.live());
            }
        }
    }

    /** The cursor of a shard, made now if the shard is live from the start and has none yet; null if unknown. */
    private @Nullable ShardCursor cursor(TopicPartition tp) {
        ShardCursor c = cursors.get(tp);
        if (c == null && liveWithoutCursor.contains(tp)) {
            c = ShardCursor.live();
            cursors.put(tp, c);
        }
        return c;
    }

    /** A resumed session: shards with stored progress replay from it, the others are live. */
    void resume(List<TopicPartition> shards, DeliveryState state) {
        for (TopicPartition tp : shards) {
            String id = Shards.id(tp);
            Long from = state.committed().get(id);
            if (from == null) {
                cursors.put(tp, ShardCursor.live());
                continue;
            }
            ShardCursor c = ShardCursor.catchingUp(from, state.sentUpTo().getOrDefault(id, 0L));
            c.skip.addAll(state.skip().getOrDefault(id, List.of()));
            c.packetIds.putAll(state.packetIds().getOrDefault(id, Map.of()));
            cursors.put(tp, c);
        }
        // The client holds these QoS 2 messages (PUBREC seen): a replay must not send them again.
        for (PendingRelease r : state.releases()) {
            ShardCursor c = cursors.get(Shards.parse(r.shard()));
            if (c != null) {
                c.outstanding.add(r.offset());
                c.skip.add(r.offset());
            }
        }
    }

    // ---- the live reader ----------------------------------------------------------------------------------

    /**
     * Decides what becomes of a message the live reader offers; when QUEUED, the caller queues it. A shard whose
     * message does not fit a full queue switches to catch-up from that message, unless it is QoS 0 (dropped).
     */
    Outbox.Offer offerLive(Delivery d, boolean queueFull) {
        ShardCursor c = cursors.computeIfAbsent(d.shard(), tp -> ShardCursor.live());
        if (!c.live && !queueFull && c.liveMayTakeOverAt(d.offset())) {
            // The replay has delivered everything below this offset and the live reader hands it over now: the
            // shard is live again from here. Without this the hand-over waits for a replay that stands exactly at
            // the live reader's position between two records, which a shard written to steadily may never give.
            c.live = true;
            c.liveFrom = d.offset();
        }
        if (!c.live || d.offset() < c.liveFrom) {
            return Outbox.Offer.IGNORED;
        }
        if (queueFull) {
            if (d.qos() == 0) {
                return Outbox.Offer.DROPPED;
            }
            c.live = false;
            c.catchUpFrom = d.offset();
            return Outbox.Offer.NEEDS_CATCH_UP;
        }
        handedOver(c, d);
        return Outbox.Offer.QUEUED;
    }

    private static void handedOver(ShardCursor c, Delivery d) {
        if (d.qos() > 0) {
            c.outstanding.add(d.offset());
        }
    }

    // ---- a catch-up reader --------------------------------------------------------------------------------

    /** Shards being replayed and where each replay stands. */
    Map<TopicPartition, Long> catchingUp() {
        Map<TopicPartition, Long> result = new HashMap<>();
        cursors.forEach((tp, c) -> {
            if (!c.live) {
                result.put(tp, c.catchUpFrom);
            }
        });
        return result;
    }

    /** Whether a replay of {@code tp} still has to deliver {@code offset}. */
    boolean shouldReplay(TopicPartition tp, long offset) {
        ShardCursor c = cursors.get(tp);
        return c != null && !c.live && offset >= c.catchUpFrom && !c.skip.contains(offset);
    }

    /** False when the replay of this message's shard has no use for it (live again, or already past it). */
    boolean isReplaying(Delivery d) {
        ShardCursor c = cursors.get(d.shard());
        return c != null && !c.live && d.offset() >= c.catchUpFrom;
    }

    /**
     * Moves the replay past a message the caller queues, after {@link #isReplaying} said yes. Returns what to
     * queue: the message, marked DUP when it may have reached the client before.
     */
    Delivery replayed(Delivery d) {
        ShardCursor c = cursors.get(d.shard());
        Delivery toQueue = d.offset() < c.sentUpTo
                ? new Delivery(d.message(), d.qos(), d.retain(), d.subscriptionIds(), d.shard(), d.offset(), true)
                : d;
        handedOver(c, toQueue);
        c.catchUpFrom = d.offset() + 1;
        return toQueue;
    }

    /**
     * The replay has read everything below {@code position}; hands the shard to live delivery when the live
     * reader has not claimed anything past where the replay stands (so nothing falls in between).
     */
    boolean advanceReplay(TopicPartition tp, long position, ReaderPositions reader) {
        ShardCursor c = cursors.get(tp);
        if (c == null || c.live) {
            return true;
        }
        c.catchUpFrom = Math.max(c.catchUpFrom, position);
        if (reader.claimed(tp) <= c.catchUpFrom) {
            c.live = true;
            c.liveFrom = c.catchUpFrom;
            return true;
        }
        return false;
    }

    // ---- the client ---------------------------------------------------------------------------------------

    /** A QoS 1/2 message of a shard was written with this packet id. */
    void sent(Delivery d, int packetId) {
        ShardCursor c = d.shard() == null ? null : cursor(d.shard());
        if (c == null) {
            return;
        }
        if (d.offset() >= c.sentUpTo) {
            c.sentUpTo = d.offset() + 1;
        }
        c.packetIds.put(d.offset(), packetId);
    }

    /** The packet id a message of a shard had when an earlier connection sent it, if any. */
    @Nullable
    boolean sentUnacknowledged(TopicPartition tp, long offset) {
        ShardCursor c = cursors.get(tp);
        return c != null && c.packetIds.containsKey(offset);
    }

    Integer packetIdSentWith(Delivery d) {
        ShardCursor c = cursors.get(d.shard());
        return c == null ? null : c.packetIds.get(d.offset());
    }

    /** The client acknowledged a QoS 1/2 message of a shard (or it was dropped for good). */
    void acknowledged(Delivery d) {
        ShardCursor c = d.shard() == null ? null : cursor(d.shard());
        if (c != null) {
            c.acknowledged(d.offset());
        }
    }

    // ---- checkpoints --------------------------------------------------------------------------------------

    List<TopicPartition> shards() {
        List<TopicPartition> shards = new ArrayList<>(cursors.keySet());
        for (TopicPartition tp : liveWithoutCursor) {
            if (!cursors.containsKey(tp)) {
                shards.add(tp);
            }
        }
        return shards;
    }

    /** Adds one shard's progress to a checkpoint; {@code readerDispatched} is the live reader's position. */
    void checkpoint(TopicPartition tp, long readerDispatched, Checkpoint into) {
        ShardCursor c = cursors.get(tp);
        String id = Shards.id(tp);
        if (c == null) {
            // Live from the start, nothing handed over: what a fresh live cursor's committed() says.
            into.committed.put(id, Math.max(0, readerDispatched));
            return;
        }
        into.committed.put(id, c.committed(readerDispatched));
        if (c.sentUpTo > 0) {
            into.sentUpTo.put(id, c.sentUpTo);
        }
        if (!c.skip.isEmpty()) {
            into.skip.put(id, new ArrayList<>(c.skip));
        }
        if (!c.packetIds.isEmpty()) {
            into.packetIds.put(id, new HashMap<>(c.packetIds));
        }
    }

    /** The progress of every shard, collected one shard at a time (see {@link Outbox#snapshot}). */
    static final class Checkpoint {
        private final Map<String, Long> committed = new HashMap<>();
        private final Map<String, Long> sentUpTo = new HashMap<>();
        private final Map<String, List<Long>> skip = new HashMap<>();
        private final Map<String, Map<Long, Integer>> packetIds = new HashMap<>();

        DeliveryState toState(List<PendingRelease> releases, List<SharedInFlight> shared) {
            return new DeliveryState(committed, sentUpTo, skip, releases, packetIds, shared);
        }
    }
}
