/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import io.tributary.mqtt.config.CrashPoint;
import io.tributary.mqtt.delivery.DeliveryState.PendingRelease;
import io.tributary.mqtt.delivery.DeliveryState.SharedInFlight;
import io.tributary.mqtt.message.Message;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound half of one session: a bounded queue filled by shard readers ({@link OutboxQueue}), drained on
 * the channel's event loop within the client's flow-control window ({@link InflightWindow}), and per-shard
 * cursors that say which Kafka offsets the session has safely received ({@link DeliveryCursors}). This class
 * holds them together and owns the threading: one lock for the queue and the cursors, which readers change
 * together, while the window belongs to the event loop.
 */
public final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private final Clock clock;

    /** What happened to a message offered by the live reader. */
    public enum Offer {
        QUEUED,
        IGNORED,
        DROPPED,
        NEEDS_CATCH_UP
    }

    private final Object lock = new Object();
    private final OutboxQueue queue; // guarded by lock
    private final DeliveryCursors cursors = new DeliveryCursors(); // guarded by lock
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicLong dropped;
    private final Runnable drainTask = this::drain;

    // Event-loop confined.
    private final InflightWindow window;
    /** Releases of a resumed session until {@link #attach} puts them in flight. */
    private List<PendingRelease> resumedReleases = List.of();
    /** Shared subscriptions' QoS 2 messages a resumed session owes its client. */
    private final SharedResends sharedResends = new SharedResends();

    private volatile @Nullable OutboundWriter writer;
    /** Stores the session before a PUBREL goes out (exactly once), or returns null when it need not. */
    private volatile Supplier<@Nullable CompletableFuture<Void>> releaseGuard = () -> null;

    public Outbox(int capacity, int window, AtomicLong droppedCounter) {
        this(capacity, window, droppedCounter, Clock.systemUTC());
    }

    /** @param clock tells message expiry the time */
    public Outbox(int capacity, int window, AtomicLong droppedCounter, Clock clock) {
        this.clock = clock;
        this.queue = new OutboxQueue(capacity);
        this.window = new InflightWindow(window);
        this.dropped = droppedCounter;
    }

    // ---- set-up -------------------------------------------------------------------------------------------

    /** A new session: every shard live from now. */
    public void startLive(List<TopicPartition> shards) {
        synchronized (lock) {
            cursors.startLive(shards);
        }
    }

    /** A resumed session: shards with stored progress replay from it, the others are live. */
    public void resume(List<TopicPartition> shards, DeliveryState state) {
        synchronized (lock) {
            cursors.resume(shards, state);
            resumedReleases = List.copyOf(state.releases());
        }
        sharedResends.resume(state.shared());
    }

    /**
     * Attaches the client connection; re-sends PUBREL for QoS 2 messages the client holds, and takes again the packet
     * ids of the shared QoS 2 messages it is owed (see {@link #sharedToResend}). Event loop.
     */
    public void attach(OutboundWriter newWriter, int clientReceiveMaximum, List<PendingRelease> releases) {
        window.limitTo(clientReceiveMaximum);
        this.writer = newWriter;
        this.resumedReleases = List.of();
        for (PendingRelease r : releases) {
            window.resumeRelease(r);
            newWriter.writePubrel(r.packetId());
        }
        if (sharedResends.attach(window, newWriter) || !releases.isEmpty()) {
            newWriter.flush();
        }
    }

    /** Detaches the connection and returns the progress to store. Event loop of the old connection. */
    public DeliveryState detach(ReaderPositions positions) {
        writer = null;
        // A connection that closed before it was attached still owes the client its PUBRELs.
        List<PendingRelease> releases = new ArrayList<>(resumedReleases);
        releases.addAll(window.pendingReleases());
        List<SharedInFlight> shared = new ArrayList<>(sharedResends.resumed());
        shared.addAll(window.sharedInFlight()); // kept for this member: their records are accepted [MQTT-4.8.2-4]
        window.releaseAll();
        synchronized (lock) {
            queue.releaseAll();
        }
        return snapshot(positions, releases, shared);
    }

    /** Progress of a connected session, for a periodic checkpoint. Event loop. */
    public DeliveryState snapshot(ReaderPositions positions, List<PendingRelease> releases) {
        return snapshot(positions, releases, writer == null ? sharedResends.resumed() : window.sharedInFlight());
    }

    private DeliveryState snapshot(
            ReaderPositions positions, List<PendingRelease> releases, List<SharedInFlight> shared) {
        List<TopicPartition> shards;
        synchronized (lock) {
            shards = cursors.shards();
        }
        DeliveryCursors.Checkpoint checkpoint = new DeliveryCursors.Checkpoint();
        for (TopicPartition tp : shards) {
            long dispatched = positions.dispatched(tp); // read before the lock: see ReaderPositions
            synchronized (lock) {
                cursors.checkpoint(tp, dispatched, checkpoint);
            }
        }
        return checkpoint.toState(releases, shared);
    }

    public boolean isAttached() {
        return writer != null;
    }

    // ---- filled by the live shard reader ------------------------------------------------------------------

    public Offer offerLive(Delivery d) {
        synchronized (lock) {
            Offer offer = cursors.offerLive(d, queue.isFull());
            if (offer == Offer.QUEUED) {
                queue.add(d);
            } else if (offer == Offer.DROPPED) {
                dropped.incrementAndGet();
            }
            return offer;
        }
    }

    /**
     * A message of a shared subscription, chosen for this session by its share-group reader. False when the
     * session cannot take it now (not attached, queue full): the reader offers it to another member.
     */
    public boolean offerShared(Delivery d) {
        synchronized (lock) {
            // Checked under the lock that detach() clears the queue with: a message is either refused here or
            // queued before detach() releases the queue's leases, never stranded in a detached outbox.
            if (writer == null || queue.isFull()) {
                return false;
            }
            queue.add(d);
        }
        return true;
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
        synchronized (lock) {
            return cursors.catchingUp();
        }
    }

    public boolean shouldReplay(TopicPartition tp, long offset) {
        synchronized (lock) {
            return cursors.shouldReplay(tp, offset);
        }
    }

    /**
     * True when the message at this offset was written to the client and not acknowledged before the session
     * went away: a replay re-sends it even if no subscription matches it any more [MQTT-4.4.0-1].
     */
    public boolean sentUnacknowledged(TopicPartition tp, long offset) {
        synchronized (lock) {
            return cursors.sentUnacknowledged(tp, offset);
        }
    }

    /** False when the queue is full: the replay must pause and offer this offset again later. */
    public boolean offerReplay(Delivery d) {
        synchronized (lock) {
            if (!cursors.isReplaying(d)) {
                return true;
            }
            if (queue.isFull()) {
                return false;
            }
            queue.add(cursors.replayed(d));
            return true;
        }
    }

    /** The replay has read everything below {@code position}; hands the shard to live delivery if it can. */
    public boolean advanceReplay(TopicPartition tp, long position, ReaderPositions reader) {
        synchronized (lock) {
            return cursors.advanceReplay(tp, position, reader);
        }
    }

    // ---- drained on the event loop ------------------------------------------------------------------------

    public void scheduleDrain() {
        OutboundWriter w = writer;
        if (w != null && drainScheduled.compareAndSet(false, true)) {
            w.executor().execute(drainTask);
        }
    }

    /**
     * Writes queued messages while the window and the socket allow. Event loop. Exactly once (a guard is set): from
     * the first QoS 2 message on, the messages of this drain get their packet ids, then wait until the session,
     * which lists them as sent under those ids, is stored; then they are written, in order. So a node that dies
     * after a QoS 2 PUBLISH went out has stored its packet id, and the resumed session sends it again under that id
     * (DUP): a client that already has it, under that id, does not take it twice [MQTT-4.3.3-11].
     */
    public void drain() {
        drainScheduled.set(false);
        OutboundWriter w = writer;
        if (w == null || !w.isActive() || storingPacketIds) {
            return;
        }
        boolean wrote = false;
        boolean wroteQos2 = false;
        List<Held> held = null;
        CompletableFuture<Void> stored = null;
        long now = clock.millis();
        while (w.isWritable() && (held == null || held.size() < MAX_HELD)) {
            Delivery d;
            synchronized (lock) {
                d = queue.poll(window.isFull());
            }
            if (d == null) {
                break;
            }
            // A re-send (DUP) has started onward delivery already: expiry no longer applies to it
            // [MQTT-3.3.2-5] [MQTT-4.3.3-7].
            if ((!d.dup() && d.message().properties().isExpired(now)) || !w.fits(d)) {
                settle(d);
                continue;
            }
            int pid = d.qos() == 0 ? 0 : assign(d);
            if (held == null && d.qos() == 2 && (stored = releaseGuard.get()) != null) {
                held = new ArrayList<>(); // the guard snapshots the session at the end of this turn
            }
            if (held != null) {
                if (d.qos() == 2 && d.lease() != null) {
                    window.storeMarker(pid); // accepted once a record listing it, with its marker, is stored
                }
                held.add(new Held(d, pid));
                continue;
            }
            if (d.qos() == 2 && d.lease() != null) {
                // A QoS 2 message of a shared subscription is this member's from now on [MQTT-4.8.2-4]; its
                // share-group record is accepted so that it never reaches another member [MQTT-4.8.2-5]. (Nothing is
                // stored for this session: with a store, see writeOnceStored.)
                d.lease().accept();
            }
            write(w, d, pid);
            wrote = true;
            wroteQos2 |= d.qos() == 2;
        }
        if (wrote) {
            w.flush();
        }
        if (held != null) {
            writeOnceStored(w, held, stored);
        } else if (wroteQos2) {
            CrashPoint.reached(CrashPoint.QOS2_OUT_PUBLISHED);
        }
    }

    /** Messages a drain holds back until their packet ids are stored: a bound on the memory that takes. */
    private static final int MAX_HELD = 1024;

    /** True while a drain's messages wait for their packet ids to be stored: no other drain overtakes them. */
    private boolean storingPacketIds;

    /** A message whose packet id is being stored before it is written. */
    private record Held(Delivery delivery, int packetId) {}

    private void writeOnceStored(OutboundWriter w, List<Held> held, CompletableFuture<Void> stored) {
        storingPacketIds = true;
        stored.whenComplete((v, e) -> w.executor().execute(() -> {
            storingPacketIds = false;
            if (e != null) {
                // Kafka is out beyond its delivery timeout: the client is not held up, these are at least once.
                LOG.warn("{} messages sent before their packet ids were stored: {}", held.size(), e.toString());
            }
            boolean attached = writer == w && w.isActive();
            if (attached) {
                for (Held h : held) {
                    write(w, h.delivery(), h.packetId());
                }
                w.flush();
                CrashPoint.reached(CrashPoint.QOS2_OUT_PUBLISHED);
            } // else the connection is gone: the session, stored with these ids, sends them when it resumes
            acceptStoredShared(held);
            if (attached) {
                scheduleDrain();
            }
        }));
    }

    /**
     * The shared QoS 2 messages of a drain whose record (with their markers) is stored: they are this member's, also
     * when the connection is gone [MQTT-4.8.2-4], and their share-group records are accepted now, never earlier. An
     * ACCEPT before the record committed would lose the message in a crash between the two (the group has it
     * accepted, the member's session does not list it); a crash between the record and the ACCEPT leaves the record
     * to come back to the group, where its marker keeps it from a second member [MQTT-4.8.2-5].
     */
    private void acceptStoredShared(List<Held> held) {
        boolean shared = false;
        for (Held h : held) {
            Delivery d = h.delivery();
            if (d.qos() == 2 && d.lease() != null) {
                if (!shared) {
                    CrashPoint.reached(CrashPoint.QOS2_OUT_SHARED_STORED);
                    shared = true;
                }
                window.markerStored(h.packetId(), d);
                d.lease().acceptMarked();
            }
        }
    }

    /** A QoS 1 or 2 message takes a packet id and its place in the window and the cursors. */
    private int assign(Delivery d) {
        int pid = window.send(d, resentPacketId(d));
        if (d.shard() != null) {
            synchronized (lock) {
                cursors.sent(d, pid);
            }
        }
        return pid;
    }

    private void write(OutboundWriter w, Delivery d, int pid) {
        w.writePublish(d, pid);
        if (d.qos() == 0) {
            settle(d); // QoS 0 is complete once written; settles a shared message's lease
        }
    }

    /** A resent message keeps the packet id it had in the earlier connection [MQTT-4.4.0-1] when it is free. */
    private @Nullable Integer resentPacketId(Delivery d) {
        if (!d.dup() || d.shard() == null) {
            return null;
        }
        synchronized (lock) {
            return cursors.packetIdSentWith(d);
        }
    }

    /** PUBACK (QoS 1) or PUBCOMP (QoS 2) from the client. False for an unknown packet id. */
    public boolean complete(int packetId) {
        Delivery d = window.complete(packetId);
        if (d == null) {
            return false;
        }
        settle(d);
        OutboundWriter w = writer;
        CompletableFuture<Void> stored = d.qos() == 2 && w != null ? releaseGuard.get() : null;
        if (stored != null) {
            window.hold(packetId); // see InflightWindow.hold
            stored.whenComplete((v, e) -> w.executor().execute(() -> {
                window.unhold(packetId);
                scheduleDrain();
            }));
        }
        // The window opened: refill it once the acknowledgements of this read are all in (one flush, not one
        // per PUBACK). The connection's handler calls drain() at the end of each read.
        return true;
    }

    /**
     * Exactly once: {@code guard} stores the session (with the message as pending release) before its PUBREL goes
     * out, so that a session resumed after a crash sends PUBREL again rather than the message, which the client
     * may already have completed. It returns null when nothing needs storing.
     */
    public void guardReleases(Supplier<@Nullable CompletableFuture<Void>> guard) {
        this.releaseGuard = guard;
    }

    /** PUBREC from the client: answer PUBREL. A PUBREC with an error code ends the exchange. */
    public boolean received(int packetId, boolean failed) {
        if (failed) {
            return complete(packetId);
        }
        if (!window.release(packetId)) {
            return false;
        }
        OutboundWriter w = writer;
        CompletableFuture<Void> stored = w == null ? null : releaseGuard.get();
        if (stored == null) {
            if (w != null) {
                w.writePubrel(packetId); // flushed at the end of the read, with the other replies
            }
            return true;
        }
        stored.whenComplete((v, e) -> w.executor().execute(() -> {
            if (e != null) {
                // Kafka is out beyond its delivery timeout: the client is not held up, this message is at least once.
                LOG.warn("PUBREL {} sent before its release was stored: {}", packetId, e.toString());
            }
            CrashPoint.reached(CrashPoint.QOS2_OUT_RELEASE_STORED);
            if (writer == w && w.isActive()) {
                w.writePubrel(packetId);
                w.flush();
                CrashPoint.reached(CrashPoint.QOS2_OUT_PUBREL_SENT);
            } // else the connection is gone: the stored release is sent again when the session resumes
        }));
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
            cursors.acknowledged(d);
        }
    }

    // ---- shared QoS 2 messages owed to a resumed member (read back by the catch-up reader) -----------------------

    /** True while some of the shared QoS 2 messages owed to the client have not been read back. */
    public boolean hasSharedToResend() {
        return sharedResends.pending();
    }

    /** The shared QoS 2 messages owed to the client whose records must be read back from Kafka. Any thread. */
    public List<SharedInFlight> sharedToResend() {
        return sharedResends.toRead();
    }

    /**
     * One of them, read back ({@code message} null: its record is gone): sent again under its packet id, with DUP.
     * Any thread; written on the event loop.
     */
    public void resendShared(SharedInFlight owed, @Nullable Message message) {
        OutboundWriter w = sharedResends.taken(owed) ? writer : null;
        if (w != null) {
            w.executor().execute(() -> {
                if (writer == w && w.isActive()) {
                    sharedResends.resend(window, w, owed, message);
                }
            });
        }
    }

    /** Pending releases for a checkpoint of a connected session. Event loop. */
    public List<PendingRelease> pendingReleases() {
        if (writer == null) {
            return resumedReleases; // resumed and stored before the connection is attached: keep them
        }
        return window.pendingReleases();
    }

    public int queued() {
        synchronized (lock) {
            return queue.size();
        }
    }
}
