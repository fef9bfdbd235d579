/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import io.netty.util.collection.IntObjectHashMap;
import io.tributary.mqtt.delivery.DeliveryState.PendingRelease;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The outbound half of one session: a bounded queue filled by shard readers, drained on the channel's event
 * loop within the client's flow-control window, and per-shard cursors that say which Kafka offsets the
 * session has safely received. The offline queue of a persistent session is nothing but those offsets.
 */
public final class Outbox {

    /** What happened to a message offered by the live reader. */
    public enum Offer {
        QUEUED,
        IGNORED,
        DROPPED,
        NEEDS_CATCH_UP
    }

    private final Object lock = new Object();
    private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
    private final Map<TopicPartition, ShardCursor> cursors = new HashMap<>();
    private final int capacity;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicLong dropped;
    private final Runnable drainTask = this::drain;

    // Event-loop confined.
    private final IntObjectHashMap<InFlight> inflight = new IntObjectHashMap<>();
    private int window;
    private int nextPacketId = 1;
    /** Releases of a resumed session until {@link #attach} puts them in flight. */
    private List<PendingRelease> resumedReleases = List.of();

    private volatile @Nullable OutboundWriter writer;

    private static final class InFlight {
        final Delivery delivery;
        boolean released; // PUBREC received, PUBREL sent

        InFlight(Delivery delivery) {
            this.delivery = delivery;
        }
    }

    public Outbox(int capacity, int window, AtomicLong droppedCounter) {
        this.capacity = capacity;
        this.window = window;
        this.dropped = droppedCounter;
    }

    // ---- set-up -------------------------------------------------------------------------------------------

    /** A new session: every shard live from now. */
    public void startLive(List<TopicPartition> shards) {
        synchronized (lock) {
            for (TopicPartition tp : shards) {
                cursors.putIfAbsent(tp, ShardCursor.live());
            }
        }
    }

    /** A resumed session: shards with stored progress replay from it, the others are live. */
    public void resume(List<TopicPartition> shards, DeliveryState state) {
        synchronized (lock) {
            for (TopicPartition tp : shards) {
                Long from = state.committed().get(Shards.id(tp));
                if (from == null) {
                    cursors.put(tp, ShardCursor.live());
                    continue;
                }
                ShardCursor c = ShardCursor.catchingUp(from, state.sentUpTo().getOrDefault(Shards.id(tp), 0L));
                c.skip.addAll(state.skip().getOrDefault(Shards.id(tp), List.of()));
                c.packetIds.putAll(state.packetIds().getOrDefault(Shards.id(tp), Map.of()));
                cursors.put(tp, c);
            }
            resumedReleases = List.copyOf(state.releases());
            for (PendingRelease r : state.releases()) {
                ShardCursor c = cursors.get(Shards.parse(r.shard()));
                if (c != null) {
                    c.outstanding.add(r.offset());
                    c.skip.add(r.offset());
                }
            }
        }
    }

    /** Attaches the client connection; re-sends PUBREL for QoS 2 messages the client holds. Event loop. */
    public void attach(OutboundWriter newWriter, int clientReceiveMaximum, List<PendingRelease> releases) {
        this.window = Math.min(window, clientReceiveMaximum);
        this.writer = newWriter;
        this.resumedReleases = List.of();
        for (PendingRelease r : releases) {
            TopicPartition tp = Shards.parse(r.shard());
            InFlight f = new InFlight(Delivery.released(tp, r.offset()));
            f.released = true;
            inflight.put(r.packetId(), f);
            nextPacketId = Math.max(nextPacketId, r.packetId() % 65535 + 1);
            newWriter.writePubrel(r.packetId());
        }
        if (!releases.isEmpty()) {
            newWriter.flush();
        }
    }

    /** Detaches the connection and returns the progress to store. Event loop of the old connection. */
    public DeliveryState detach(ReaderPositions positions) {
        writer = null;
        // A connection that closed before it was attached still owes the client its PUBRELs.
        List<PendingRelease> releases = new ArrayList<>(resumedReleases);
        inflight.forEach((pid, f) -> {
            if (f.released && f.delivery.shard() != null) {
                releases.add(new PendingRelease(pid, Shards.id(f.delivery.shard()), f.delivery.offset()));
            }
            releaseLease(f.delivery); // a no-op for a QoS 2 message past PUBREC: its lease was accepted then
        });
        inflight.clear();
        synchronized (lock) {
            queue.forEach(Outbox::releaseLease);
            queue.clear();
        }
        return snapshot(positions, releases);
    }

    /** Progress of a connected session, for a periodic checkpoint. Any thread. */
    public DeliveryState snapshot(ReaderPositions positions, List<PendingRelease> releases) {
        Map<String, Long> committed = new HashMap<>();
        Map<String, Long> sent = new HashMap<>();
        Map<String, List<Long>> skip = new HashMap<>();
        Map<String, Map<Long, Integer>> packetIds = new HashMap<>();
        List<TopicPartition> shards;
        synchronized (lock) {
            shards = new ArrayList<>(cursors.keySet());
        }
        for (TopicPartition tp : shards) {
            long dispatched = positions.dispatched(tp); // read before the lock: see ReaderPositions
            synchronized (lock) {
                ShardCursor c = cursors.get(tp);
                String id = Shards.id(tp);
                committed.put(id, c.committed(dispatched));
                if (c.sentUpTo > 0) {
                    sent.put(id, c.sentUpTo);
                }
                if (!c.skip.isEmpty()) {
                    skip.put(id, new ArrayList<>(c.skip));
                }
                if (!c.packetIds.isEmpty()) {
                    packetIds.put(id, new HashMap<>(c.packetIds));
                }
            }
        }
        return new DeliveryState(committed, sent, skip, releases, packetIds);
    }

    public boolean isAttached() {
        return writer != null;
    }

    // ---- filled by the live shard reader ------------------------------------------------------------------

    public Offer offerLive(Delivery d) {
        synchronized (lock) {
            ShardCursor c = cursors.computeIfAbsent(d.shard(), tp -> ShardCursor.live());
            if (!c.live || d.offset() < c.liveFrom) {
                return Offer.IGNORED;
            }
            if (queue.size() >= capacity) {
                if (d.qos() == 0) {
                    dropped.incrementAndGet();
                    return Offer.DROPPED;
                }
                c.live = false;
                c.catchUpFrom = d.offset();
                return Offer.NEEDS_CATCH_UP;
            }
            enqueue(c, d);
            return Offer.QUEUED;
        }
    }

    private void enqueue(ShardCursor c, Delivery d) {
        if (d.qos() > 0) {
            c.outstanding.add(d.offset());
        }
        queue.add(d);
    }

    /**
     * A message of a shared subscription, chosen for this session by its share-group reader. False when the
     * session cannot take it now (not attached, queue full): the reader offers it to another member.
     */
    public boolean offerShared(Delivery d) {
        synchronized (lock) {
            // Checked under the lock that detach() clears the queue with: a message is either refused here or
            // queued before detach() releases the queue's leases, never stranded in a detached outbox.
            if (writer == null || queue.size() >= capacity) {
                return false;
            }
            queue.add(d);
        }
        return true;
    }

    private static void releaseLease(Delivery d) {
        if (d.lease() != null) {
            d.lease().release();
        }
    }

    /** Retained messages sent on subscribe: not tied to a shard, never refused. */
    public void offerRetained(Delivery d) {
        synchronized (lock) {
            queue.add(d);
        }
        scheduleDrain();
    }

    // ---- filled by a catch-up reader ----------------------------------------------------------------------

    /** Shards being replayed and where each replay stands. */
    public Map<TopicPartition, Long> catchingUp() {
        Map<TopicPartition, Long> result = new HashMap<>();
        synchronized (lock) {
            cursors.forEach((tp, c) -> {
                if (!c.live) {
                    result.put(tp, c.catchUpFrom);
                }
            });
        }
        return result;
    }

    public boolean shouldReplay(TopicPartition tp, long offset) {
        synchronized (lock) {
            ShardCursor c = cursors.get(tp);
            return c != null && !c.live && offset >= c.catchUpFrom && !c.skip.contains(offset);
        }
    }

    /** False when the queue is full: the replay must pause and offer this offset again later. */
    public boolean offerReplay(Delivery d) {
        synchronized (lock) {
            ShardCursor c = cursors.get(d.shard());
            if (c == null || c.live || d.offset() < c.catchUpFrom) {
                return true;
            }
            if (queue.size() >= capacity) {
                return false;
            }
            boolean dup = d.offset() < c.sentUpTo;
            enqueue(
                    c,
                    dup
                            ? new Delivery(
                                    d.message(), d.qos(), d.retain(), d.subscriptionIds(), d.shard(), d.offset(), true)
                            : d);
            c.catchUpFrom = d.offset() + 1;
            return true;
        }
    }

    /** The replay has read everything below {@code position}; hands the shard to live delivery if it can. */
    public boolean advanceReplay(TopicPartition tp, long position, ReaderPositions reader) {
        synchronized (lock) {
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
    }

    // ---- drained on the event loop ------------------------------------------------------------------------

    public void scheduleDrain() {
        OutboundWriter w = writer;
        if (w != null && drainScheduled.compareAndSet(false, true)) {
            w.executor().execute(drainTask);
        }
    }

    /** Writes queued messages while the window and the socket allow. Event loop. */
    public void drain() {
        drainScheduled.set(false);
        OutboundWriter w = writer;
        if (w == null || !w.isActive()) {
            return;
        }
        boolean wrote = false;
        long now = System.currentTimeMillis();
        while (w.isWritable()) {
            Delivery d;
            synchronized (lock) {
                d = queue.peek();
                if (d == null || (d.qos() > 0 && inflight.size() >= window)) {
                    break;
                }
                queue.poll();
            }
            // A re-send (DUP) has started onward delivery already: expiry no longer applies to it
            // [MQTT-3.3.2-5] [MQTT-4.3.3-7].
            if ((!d.dup() && d.message().properties().isExpired(now)) || !w.fits(d)) {
                settle(d);
                continue;
            }
            if (d.qos() == 0) {
                w.writePublish(d, 0);
                settle(d); // QoS 0 is complete once written; settles a shared message's lease
            } else {
                int pid = packetIdFor(d);
                inflight.put(pid, new InFlight(d));
                markSent(d, pid);
                w.writePublish(d, pid);
                if (d.qos() == 2 && d.lease() != null) {
                    // A QoS 2 message sent to a member of a shared subscription must never reach another member
                    // [MQTT-4.8.2-5]: its share-group record is complete once written.
                    d.lease().accept();
                }
            }
            wrote = true;
        }
        if (wrote) {
            w.flush();
        }
    }

    private void markSent(Delivery d, int packetId) {
        if (d.shard() == null) {
            return;
        }
        synchronized (lock) {
            ShardCursor c = cursors.get(d.shard());
            if (c == null) {
                return;
            }
            if (d.offset() >= c.sentUpTo) {
                c.sentUpTo = d.offset() + 1;
            }
            c.packetIds.put(d.offset(), packetId);
        }
    }

    /** A resent message keeps the packet id it had in the earlier connection [MQTT-4.4.0-1] when it is free. */
    private int packetIdFor(Delivery d) {
        if (d.dup() && d.shard() != null) {
            Integer original;
            synchronized (lock) {
                ShardCursor c = cursors.get(d.shard());
                original = c == null ? null : c.packetIds.get(d.offset());
            }
            if (original != null && !inflight.containsKey(original)) {
                return original;
            }
        }
        return allocatePacketId();
    }

    private int allocatePacketId() {
        while (inflight.containsKey(nextPacketId)) {
            nextPacketId = nextPacketId % 65535 + 1;
        }
        int pid = nextPacketId;
        nextPacketId = nextPacketId % 65535 + 1;
        return pid;
    }

    /** PUBACK (QoS 1) or PUBCOMP (QoS 2) from the client. False for an unknown packet id. */
    public boolean complete(int packetId) {
        InFlight f = inflight.remove(packetId);
        if (f == null) {
            return false;
        }
        settle(f.delivery);
        // The window opened: refill it once the acknowledgements of this read are all in (one flush, not one
        // per PUBACK). The connection's handler calls drain() at the end of each read.
        return true;
    }

    /** PUBREC from the client: answer PUBREL. A PUBREC with an error code ends the exchange. */
    public boolean received(int packetId, boolean failed) {
        InFlight f = inflight.get(packetId);
        if (f == null) {
            return false;
        }
        if (failed) {
            return complete(packetId);
        }
        f.released = true;
        OutboundWriter w = writer;
        if (w != null) {
            w.writePubrel(packetId); // flushed at the end of the read, with the other replies
        }
        return true;
    }

    private void settle(Delivery d) {
        if (d.lease() != null) {
            d.lease().accept();
        }
        if (d.qos() == 0 || d.shard() == null) {
            return;
        }
        synchronized (lock) {
            ShardCursor c = cursors.get(d.shard());
            if (c != null) {
                c.acknowledged(d.offset());
            }
        }
    }

    /** Pending releases for a checkpoint of a connected session. Event loop. */
    public List<PendingRelease> pendingReleases() {
        if (writer == null) {
            return resumedReleases; // resumed and stored before the connection is attached: keep them
        }
        List<PendingRelease> releases = new ArrayList<>();
        inflight.forEach((pid, f) -> {
            if (f.released && f.delivery.shard() != null) {
                releases.add(new PendingRelease(pid, Shards.id(f.delivery.shard()), f.delivery.offset()));
            }
        });
        return releases;
    }

    public int queued() {
        synchronized (lock) {
            return queue.size();
        }
    }
}
