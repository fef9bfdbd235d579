/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import io.tributary.mqtt.message.Will;
import io.tributary.mqtt.publish.IngestService;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes will messages after an unclean close, after the MQTT 5 will delay (bounded by the session
 * expiry); a reconnect of the same client before then cancels it [MQTT-3.1.3-9], on this node or on any
 * other (a newer epoch of the session, or its tombstone, seen in the sessions topic).
 *
 * <p>A pending will belongs to one epoch of the session. Besides the wills of this node's own connections, it
 * publishes those it adopts from the sessions topic: a dead node's, once {@link NodeLiveness} took the session
 * over, and this node's own from before a restart. Once Kafka has a will, the session record is stored without
 * it ({@link SessionStore#willPublished}), so that no other node publishes it again.
 */
public final class WillPublisher {

    private final Clock clock;

    private static final Logger LOG = LoggerFactory.getLogger(WillPublisher.class);

    /** A will waiting for its delay; removed from the map by whoever gets it first: the timer or a cancel. */
    private static final class Pending {
        final long epoch;
        volatile @Nullable ScheduledFuture<?> timer;

        Pending(long epoch) {
            this.epoch = epoch;
        }

        void cancel() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    private final IngestService ingest;
    private final ScheduledExecutorService timer;
    private final SessionStore store;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    /** @param store where a published will is cleared from the session record */
    public WillPublisher(IngestService ingest, ScheduledExecutorService timer, SessionStore store, Clock clock) {
        this.clock = clock;
        this.ingest = ingest;
        this.timer = timer;
        this.store = store;
    }

    /** A connection of this node ended without a normal DISCONNECT: the will of that epoch is due after its delay. */
    public void schedule(String clientId, long epoch, Will will, long sessionExpirySeconds) {
        scheduleAt(clientId, epoch, will, clock.millis() + Math.min(will.delaySeconds(), sessionExpirySeconds) * 1000);
    }

    /**
     * A stored session this node now answers for, disconnected at {@code disconnectedAtMillis}: its will (if any)
     * is due at min(will delay, session expiry) after that [MQTT-3.1.3-9]; at once if that has passed.
     */
    public void adopt(SessionState offline) {
        SessionState.StoredWill w = offline.will();
        if (w == null || offline.disconnectedAtMillis() == 0) {
            return;
        }
        LOG.info(
                "Will of {} to {} adopted from the session record (epoch {})",
                offline.clientId(),
                w.topic(),
                offline.epoch());
        scheduleAt(
                offline.clientId(),
                offline.epoch(),
                w.toWill(offline.clientId()),
                offline.disconnectedAtMillis() + Math.min(w.delaySeconds(), offline.expiryIntervalSeconds()) * 1000);
    }

    /** At start: the wills of this node's own sessions that were pending (or connected) when it stopped. */
    public void adoptOwn(Collection<SessionState> sessions, String nodeId) {
        for (SessionState s : sessions) {
            if (nodeId.equals(s.owner())) {
                adopt(s);
            }
        }
    }

    private void scheduleAt(String clientId, long epoch, Will will, long dueAtMillis) {
        long delay = dueAtMillis - clock.millis();
        Pending p = new Pending(epoch);
        Pending earlier = delay <= 0 ? pending.remove(clientId) : pending.put(clientId, p);
        if (earlier != null) {
            earlier.cancel();
        }
        if (delay <= 0) {
            // Due now, so published before anything else can happen to the session (a reconnect's cancel, say).
            publish(clientId, epoch, will);
            return;
        }
        try {
            p.timer = timer.schedule(
                    () -> {
                        if (pending.remove(clientId, p)) {
                            publish(clientId, epoch, will);
                        }
                    },
                    delay,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The node is stopping: the will stays in the stored session, for the node that takes it over.
            pending.remove(clientId, p);
        }
    }

    /** The client connected again to this node: its pending will is not published [MQTT-3.1.3-9]. */
    public void cancel(String clientId) {
        Pending p = pending.remove(clientId);
        if (p != null) {
            p.cancel();
        }
    }

    /**
     * Another node wrote the session at {@code epoch} (the client connected there) or deleted it (epoch
     * {@link Long#MAX_VALUE}): a will pending for an older epoch is not published here [MQTT-3.1.3-9].
     */
    public void superseded(String clientId, long epoch) {
        Pending p = pending.get(clientId);
        if (p != null && p.epoch < epoch && pending.remove(clientId, p)) {
            p.cancel();
            LOG.info(
                    "Pending will of {} (epoch {}) dropped: the session went on at epoch {}", clientId, p.epoch, epoch);
        }
    }

    /** True while a will of the client waits for its delay here. */
    public boolean isPending(String clientId) {
        return pending.containsKey(clientId);
    }

    /**
     * Publishes the will now, in one Kafka transaction with {@code record}, the session's record that no longer
     * holds it (null: the session ends, its record is deleted), so that the will is in Kafka exactly when the
     * record says it was sent: no node publishes it again, and a crash before the commit leaves it for the next
     * owner. Only with a transactional store ({@link SessionStore#transactional()}).
     */
    public void publishWith(String clientId, Will will, @Nullable SessionState record) {
        cancel(clientId);
        Message message = atPublication(will.message(), clock.millis());
        // Encoded as its schema binding says, like a will published without a transaction.
        ingest.publish(message, (route, m) -> store.storeWithWill(clientId, record, route, m))
                .whenComplete((v, e) -> {
                    if (e != null) {
                        LOG.warn("Will message of {} to {} not committed: {}", clientId, message.topic(), e.toString());
                    }
                });
    }

    private void publish(String clientId, long epoch, Will will) {
        SessionState record = store.transactional() ? store.withoutWill(clientId, epoch) : null;
        if (record != null) {
            publishWith(clientId, will, record); // then expiry, if due, ends the session (no will holds it)
            return;
        }
        Message message = atPublication(will.message(), clock.millis());
        ingest.publish(message).whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn(
                        "Will message of {} to {} could not be written to Kafka: {}",
                        clientId,
                        will.message().topic(),
                        e.toString());
            }
            try {
                // Off the producer's I/O thread, which completes this future: the store writes to Kafka.
                timer.execute(() -> store.willPublished(clientId, epoch));
            } catch (RejectedExecutionException stopping) {
                // The node is stopping: the will stays in the record; the next owner may publish it again.
            }
        });
    }

    /**
     * The will as published now: its Message Expiry Interval, kept as a lifetime by ConnectGate, counts from
     * this moment (MQTT 5 section 3.1.3.2.4).
     */
    static Message atPublication(Message will, long nowMillis) {
        MessageProperties p = will.properties();
        if (p.expiresAtMillis() == 0) {
            return will;
        }
        MessageProperties props = new MessageProperties(
                p.payloadUtf8(),
                p.contentType(),
                nowMillis + p.expiresAtMillis(),
                p.responseTopic(),
                p.correlationData(),
                p.userProperties());
        return new Message(will.topic(), will.payload(), will.qos(), will.retain(), will.publisher(), props);
    }
}
