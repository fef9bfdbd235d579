/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.routing.TopicRouter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persistent sessions in the compacted sessions topic, and their expiry. The node reads the topic to its end
 * at start, then keeps tailing it (each record a {@link SessionChange} applied on the tail thread) to learn what other nodes write: their
 * sessions, and claims on the sessions this node holds. Records this node wrote itself are skipped when
 * tailed (the view already has them, possibly newer); every record names its writer.
 *
 * <p>Fencing: the view never goes back to a lower epoch for a client id, and {@link #save} refuses to write a
 * record whose epoch is lower than the latest this node has seen for the key, so a node that lost a session
 * to another node stops writing it (see docs/architecture.md, "Many nodes").
 */
public final class SessionStore {

    private final Clock clock;

    private static final Logger LOG = LoggerFactory.getLogger(SessionStore.class);

    /**
     * A node expires an offline session another node owns this much later than the owner would, so that the
     * owner (which may be resuming it right now) decides, and a dead owner's sessions still expire.
     */
    static final long FOREIGN_EXPIRY_GRACE_MS = 30_000;

    /** A node waiting for the hand-over of a session it claimed. */
    private record Waiter(
            long claimEpoch,
            String previousOwner,
            CompletableFuture<@Nullable SessionState> handedOver,
            AtomicReference<SessionState> latestOfPrevious) {}

    private final SessionLog log;
    private final ScheduledExecutorService timer;
    private final String nodeId;
    private final Map<String, SessionState> sessions = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> expiries = new ConcurrentHashMap<>();
    private final Map<String, Waiter> waiters = new ConcurrentHashMap<>();
    private final SessionClaims claims = new SessionClaims();
    private volatile boolean tailing;
    private volatile Consumer<SessionState> claimListener = s -> {};
    private volatile Consumer<String> deleteListener = c -> {};

    /**
     * @param log    where session records are written (the compacted sessions topic)
     * @param timer  runs session expiry
     * @param nodeId this node: records it wrote itself are skipped when tailed
     */
    public SessionStore(SessionLog log, ScheduledExecutorService timer, String nodeId) {
        this(log, timer, nodeId, Clock.systemUTC());
    }

    /** @param clock tells expiry the time; the timer must follow the same clock */
    public SessionStore(SessionLog log, ScheduledExecutorService timer, String nodeId, Clock clock) {
        this.clock = clock;
        this.log = log;
        this.timer = timer;
        this.nodeId = nodeId;
    }

    /** Called (on the tail thread) with each record another node wrote for a session, after it was applied. */
    public void onForeignRecord(Consumer<SessionState> listener) {
        this.claimListener = listener;
    }

    /** Called (on the tail thread) with the client id of each session another node deleted (tombstone). */
    public void onForeignDelete(Consumer<String> listener) {
        this.deleteListener = listener;
    }

    /** Applies one change of the sessions topic: while loading at start, then from the tail thread. */
    public void apply(SessionChange change) {
        String clientId = change.clientId();
        boolean own = nodeId.equals(change.writer());
        SessionState state = change.state();
        if (state == null) {
            claims.forget(clientId); // the next record of any epoch claims the session afresh
            if (tailing && own) {
                return; // this node's own write: the view already holds it, or something newer
            }
            sessions.remove(clientId);
            if (tailing) {
                cancelExpiry(clientId);
                Waiter w = waiters.remove(clientId);
                if (w != null) {
                    w.handedOver().complete(null); // discarded elsewhere: nothing to resume
                }
                deleteListener.accept(clientId);
            }
            return;
        }
        SessionClaims.Outcome outcome = claims.decide(state);
        if (tailing && own) {
            claims.confirm(state, outcome);
            if (outcome == SessionClaims.Outcome.LOST || outcome == SessionClaims.Outcome.STALE) {
                forgetLosing(state);
            }
            return; // the view already holds it, or something newer
        }
        if (outcome == SessionClaims.Outcome.LOST) {
            if (tailing) {
                reassert(clientId);
            }
            return; // another node's record of an epoch some node claimed first: no node follows it
        }
        apply(state, outcome != SessionClaims.Outcome.ANSWERS);
    }

    /**
     * This node's record lost its claim: no node follows it, so the view must not either (a CONNECT that claims again
     * would resume from it, a session that never existed). Nothing changes if the view moved on meanwhile.
     */
    private void forgetLosing(SessionState lost) {
        sessions.computeIfPresent(
                lost.clientId(),
                (k, current) -> current.epoch() == lost.epoch()
                                && nodeId.equals(current.owner())
                                && current.disconnectedAtMillis() == 0
                        ? null
                        : current);
    }

    /** The epoch of the session's holder by the order of the sessions topic read so far (0: none). */
    public long holderEpoch(String clientId) {
        return claims.holderEpoch(clientId);
    }

    /**
     * A record that lost the claim of an epoch this node holds came after this node's record: the topic is
     * compacted (the last record of a key stays), so this node writes its state again to stay the last.
     */
    private void reassert(String clientId) {
        SessionState mine = sessions.get(clientId);
        if (mine != null && claims.heldBy(clientId, nodeId, mine.epoch())) {
            send(clientId, mine);
        }
    }

    /**
     * @param intoView false for a hand-over answering another node's claim: only that node's waiter takes it, the
     *                 views keep the claim (the claimer writes the resumed session next)
     */
    private void apply(SessionState state, boolean intoView) {
        String clientId = state.clientId();
        Waiter w = tailing ? waiters.get(clientId) : null;
        if (w != null && state.owner().equals(w.previousOwner()) && state.epoch() < w.claimEpoch()) {
            w.latestOfPrevious().set(state); // a checkpoint or the final state written before it saw our claim
            if (state.disconnectedAtMillis() != 0 && waiters.remove(clientId, w)) {
                w.handedOver().complete(state); // it closed the session by itself: that is its final state
            }
        }
        boolean handover = w != null
                && (state.epoch() > w.claimEpoch()
                        || state.epoch() == w.claimEpoch() && SessionState.HANDOVER.equals(state.phase()));
        SessionState current = sessions.get(clientId);
        if (!intoView || current != null && state.epoch() < current.epoch()) {
            // stale (written by a node that had not yet seen a newer epoch), or a hand-over for the claimer only
            if (intoView || !handover || !waiters.remove(clientId, w)) {
                return;
            }
            w.handedOver().complete(state);
            return;
        }
        sessions.put(clientId, state);
        if (!tailing) {
            return;
        }
        cancelExpiry(clientId);
        scheduleExpiry(state);
        if (handover && waiters.remove(clientId, w)) {
            w.handedOver().complete(state);
        }
        claimListener.accept(state);
    }

    /**
     * Completes with whether this node's record of {@code clientId} at {@code epoch}, about to be written, claims the
     * session: true once the tail reads it back as the first record of that epoch (docs/architecture.md, "Race-free
     * claims"). Call before writing the record. Without a tail (a node alone, tests) it completes true at once.
     */
    public CompletableFuture<Boolean> expectClaim(String clientId, long epoch, long timeoutMs) {
        if (!tailing) {
            return CompletableFuture.completedFuture(true);
        }
        return claims.expect(clientId, epoch, timer, timeoutMs);
    }

    /**
     * Writes a record that claims the session at a new epoch and completes with whether the claim won (see
     * {@link #expectClaim}); false also when this node has seen a newer epoch (refused).
     */
    public CompletableFuture<Boolean> saveClaim(SessionState state, long timeoutMs) {
        CompletableFuture<Boolean> won = expectClaim(state.clientId(), state.epoch(), timeoutMs);
        save(state).whenComplete((v, e) -> {
            if (e != null) {
                claims.cancel(state.clientId(), state.epoch());
                won.complete(false);
            }
        });
        return won;
    }

    /**
     * After loading: from now on the store applies only what other nodes write. Sessions this node held when it
     * stopped without storing a disconnect are offline from now on; sessions other nodes hold stay theirs.
     */
    public void startExpiryTimers(long nowMillis) {
        for (SessionState s : sessions.values()) {
            boolean heldHere = s.owner() == null || s.owner().equals(nodeId);
            SessionState offline = s.disconnectedAtMillis() == 0 && heldHere ? withDisconnect(s, nowMillis) : s;
            sessions.put(s.clientId(), offline);
            scheduleExpiry(offline);
        }
        tailing = true;
    }

    /**
     * Claims a session another node holds (writes a {@link SessionState#CLAIM} record with the next epoch) and
     * completes with the state to resume from: the holder's hand-over, or its own final record, or, after
     * {@code timeoutMs} (the holder may be dead), the latest state it wrote that this node has seen; null if
     * another node deleted the session meanwhile; with {@link ClaimLost} if another node claimed that epoch first.
     */
    public CompletableFuture<@Nullable SessionState> claim(SessionState held, long timeoutMs) {
        String clientId = held.clientId();
        long claimEpoch = held.epoch() + 1;
        Waiter w = new Waiter(claimEpoch, held.owner(), new CompletableFuture<>(), new AtomicReference<>(held));
        Waiter earlier = waiters.put(clientId, w);
        if (earlier != null) {
            earlier.handedOver().complete(earlier.latestOfPrevious().get());
        }
        saveClaim(held.with(nodeId, claimEpoch, 0, SessionState.CLAIM), timeoutMs)
                .whenComplete((won, e) -> {
                    // Lost: fail fast, the CONNECT claims again. Not read back in time: the wait goes on, and the
                    // record that resumes the session is confirmed in turn before CONNACK.
                    if (e == null && !won && waiters.remove(clientId, w)) {
                        w.handedOver().completeExceptionally(new ClaimLost(clientId, claimEpoch));
                    }
                });
        ScheduledFuture<?> timeout = timer.schedule(
                () -> {
                    if (waiters.remove(clientId, w)) {
                        LOG.info(
                                "Node {} did not hand session {} over within {} ms; resuming from its last stored state",
                                held.owner(),
                                clientId,
                                timeoutMs);
                        w.handedOver().complete(w.latestOfPrevious().get());
                    }
                },
                timeoutMs,
                TimeUnit.MILLISECONDS);
        w.handedOver().whenComplete((s, e) -> timeout.cancel(false));
        return w.handedOver();
    }

    private static SessionState withDisconnect(SessionState s, long at) {
        return s.with(s.owner(), s.epoch(), at, null); // the will stays: it is due now (WillPublisher.adoptOwn)
    }

    public @Nullable SessionState get(String clientId) {
        return sessions.get(clientId);
    }

    public int size() {
        return sessions.size();
    }

    /** Every session this node knows of, as it is now. */
    public java.util.List<SessionState> all() {
        return java.util.List.copyOf(sessions.values());
    }

    /**
     * Writes the full state; completes when Kafka has it. Refused when this node has seen a newer epoch of the
     * session: it was taken over by another node, and a stale record must not overwrite that node's.
     */
    public CompletableFuture<Void> save(SessionState state) {
        CompletableFuture<Void> refused = takeIntoView(state);
        if (refused != null) {
            return refused;
        }
        CompletableFuture<Void> done = send(state.clientId(), state);
        expireOffline(state);
        return done;
    }

    /** Whether records are written through Kafka transactions, so that {@link #saveWithMessage} is available. */
    public boolean transactional() {
        return log.transactional();
    }

    /**
     * As {@link #save}, in one Kafka transaction with a QoS 2 message whose packet id the state records as
     * received: after any crash, the message is in Kafka if and only if the stored session says so.
     */
    public CompletableFuture<Void> saveWithMessage(SessionState state, TopicRouter.Route route, Message message) {
        CompletableFuture<Void> refused = takeIntoView(state);
        if (refused != null) {
            return refused;
        }
        CompletableFuture<Void> done = log.writeWithMessage(state, route, message);
        expireOffline(state);
        done.whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("Could not store session {} with its QoS 2 message: {}", state.clientId(), e.toString());
            }
        });
        return done;
    }

    /**
     * As {@link #saveWithMessage}, or, for a null state, the session deleted in the message's transaction: a will
     * goes to Kafka together with the record that no longer holds it.
     */
    public CompletableFuture<Void> storeWithWill(
            String clientId, @Nullable SessionState state, TopicRouter.Route route, Message will) {
        if (state != null) {
            return saveWithMessage(state, route, will);
        }
        cancelExpiry(clientId);
        sessions.remove(clientId);
        return log.deleteWithMessage(clientId, route, will);
    }

    /**
     * The record of {@code clientId} to store when the will of the session at {@code epoch} is published: the
     * offline record this node owns at that epoch without its will; null when the session has moved on (another
     * epoch, another owner, connected again) or holds no will.
     */
    public @Nullable SessionState withoutWill(String clientId, long epoch) {
        SessionState current = sessions.get(clientId);
        if (current == null
                || current.epoch() != epoch
                || current.will() == null
                || current.disconnectedAtMillis() == 0
                || !nodeId.equals(current.owner())) {
            return null;
        }
        return current.withWill(null);
    }

    /** Puts the state into the view, or returns the failure when this node has seen a newer epoch (fencing). */
    private @Nullable CompletableFuture<Void> takeIntoView(SessionState state) {
        boolean[] stale = new boolean[1];
        sessions.compute(state.clientId(), (k, current) -> {
            // Below the epoch seen, or at an epoch another node claimed (a hand-over answers that claim).
            stale[0] = current != null
                    && (state.epoch() < current.epoch()
                            || state.epoch() == current.epoch()
                                    && !nodeId.equals(current.owner())
                                    && !claims.heldBy(state.clientId(), nodeId, state.epoch())
                                    && !SessionState.HANDOVER.equals(state.phase()));
            return stale[0] ? current : state;
        });
        if (stale[0]) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("session " + state.clientId() + " was taken over by another node"));
        }
        cancelExpiry(state.clientId());
        return null;
    }

    /**
     * An offline session's expiry runs from its stored state; scheduled once the record is on its way, so that the
     * tombstone of an expiry due at once follows the record (one writer, in order), never precedes it.
     */
    private void expireOffline(SessionState state) {
        // A hand-over is not an offline session of this node: its claimer resumes it (and a session without expiry,
        // a clean one, must not be deleted by this node right after it handed it over).
        if (state.disconnectedAtMillis() != 0
                && !SessionState.HANDOVER.equals(state.phase())
                && sessions.get(state.clientId()) == state) {
            scheduleExpiry(state);
        }
    }

    /**
     * The will of the session at {@code epoch} is in Kafka: the record is stored without it, so that no node
     * publishes it again (or deleted, if the session has expired meanwhile). Nothing happens if the session has
     * moved on (another epoch, another owner, connected again).
     */
    public void willPublished(String clientId, long epoch) {
        SessionState current = sessions.get(clientId);
        if (current == null
                || current.epoch() != epoch
                || current.will() == null
                || current.disconnectedAtMillis() == 0
                || !nodeId.equals(current.owner())) {
            return;
        }
        if (current.expiresAtMillis() <= clock.millis()) {
            LOG.info("Session {} expired", clientId);
            delete(clientId);
        } else {
            save(current.withWill(null));
        }
    }

    /** Forgets the session (tombstone). */
    public CompletableFuture<Void> delete(String clientId) {
        cancelExpiry(clientId);
        if (sessions.remove(clientId) == null) {
            return CompletableFuture.completedFuture(null);
        }
        return send(clientId, null);
    }

    private CompletableFuture<Void> send(String clientId, @Nullable SessionState state) {
        CompletableFuture<Void> done = log.write(clientId, state);
        done.whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("Could not store session {}: {}", clientId, e.toString());
            }
        });
        return done;
    }

    private void scheduleExpiry(SessionState state) {
        long at = state.expiresAtMillis();
        if (at == Long.MAX_VALUE) {
            return;
        }
        long grace = state.owner() == null || state.owner().equals(nodeId) ? 0 : FOREIGN_EXPIRY_GRACE_MS;
        long delay = Math.max(0, at - clock.millis()) + grace;
        expiries.put(state.clientId(), timer.schedule(() -> expire(state), delay, TimeUnit.MILLISECONDS));
    }

    private void expire(SessionState expected) {
        SessionState current = sessions.get(expected.clientId());
        if (current != null && current.will() != null) {
            // Its will is due now (will delay <= session expiry): the owner's WillPublisher publishes it first,
            // then ends the session (willPublished); a dead owner's goes to the node that takes it over.
            return;
        }
        if (current != null && current.epoch() == expected.epoch() && current.disconnectedAtMillis() != 0) {
            LOG.info("Session {} expired", expected.clientId());
            delete(expected.clientId());
        }
    }

    private void cancelExpiry(String clientId) {
        ScheduledFuture<?> f = expiries.remove(clientId);
        if (f != null) {
            f.cancel(false);
        }
    }

    /** Another node's record claimed the epoch first: this node does not hold the session (it may claim anew). */
    public static final class ClaimLost extends RuntimeException {
        public ClaimLost(String clientId, long epoch) {
            super("another node claimed session " + clientId + " at epoch " + epoch + " first", null, false, false);
        }
    }
}
