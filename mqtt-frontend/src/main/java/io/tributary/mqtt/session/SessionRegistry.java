/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import io.netty.channel.Channel;
import io.tributary.mqtt.delivery.CatchUp;
import io.tributary.mqtt.delivery.DeliveryState;
import io.tributary.mqtt.delivery.LiveShards;
import io.tributary.mqtt.delivery.Outbox;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.message.Will;
import io.tributary.mqtt.topic.Subscription;
import io.tributary.mqtt.topic.TopicFilter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions connected to this node, and the session lifecycle: connect (new, resumed or taken over),
 * close (stored or forgotten, will scheduled) and periodic checkpoints of delivery progress.
 */
public final class SessionRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    private final Clock clock;

    /**
     * What a CONNECT asks for, after validation and authentication.
     *
     * @param principal the authenticated user name, null for an anonymous client
     */
    public record ConnectRequest(
            String clientId,
            int protocolLevel,
            boolean cleanStart,
            long expiryIntervalSeconds,
            @Nullable Will will,
            int clientReceiveMaximum,
            Channel channel,
            @Nullable String principal) {}

    /** What the ACL rules say about a session's subscriptions and deliveries (acl.Authorizer, wired by the node). */
    public interface Access {
        /** Why {@code principal} may not hold a subscription to {@code filter}, or null when it may. */
        @Nullable
        String subscriptionDenied(@Nullable String principal, TopicFilter filter);

        /** The check of each message delivered to a session of {@code principal}. */
        Predicate<String> readCheck(@Nullable String principal);
    }

    private static final Access ALLOW_ALL = new Access() {
        @Override
        public @Nullable String subscriptionDenied(@Nullable String principal, TopicFilter filter) {
            return null;
        }

        @Override
        public Predicate<String> readCheck(@Nullable String principal) {
            return topic -> true;
        }
    };

    /** An established session and whether an earlier one was resumed. */
    public record Established(ClientSession session, boolean sessionPresent, DeliveryState resumed) {}

    private final Map<String, ClientSession> connected = new ConcurrentHashMap<>();
    private final Map<ClientSession, CompletableFuture<Void>> closing = new ConcurrentHashMap<>();
    private final SessionStore store;
    private final SubscriberRegistry subscribers;
    private final LiveShards reader;
    private final CatchUp catchUp;
    private final WillPublisher wills;
    private final String nodeId;
    private final int queueCapacity;
    private final int maxInflight;
    private final AtomicLong qos0Dropped;
    private volatile Consumer<ClientSession> takenOverElsewhere =
            s -> s.channel().close();
    private volatile Access access = ALLOW_ALL;
    private final ClientIdClaims claims;

    public SessionRegistry(
            SessionStore store,
            SubscriberRegistry subscribers,
            LiveShards reader,
            CatchUp catchUp,
            WillPublisher wills,
            String nodeId,
            int queueCapacity,
            int maxInflight,
            AtomicLong qos0Dropped,
            Clock clock) {
        this.clock = clock;
        this.store = store;
        this.subscribers = subscribers;
        this.reader = reader;
        this.catchUp = catchUp;
        this.wills = wills;
        this.nodeId = nodeId;
        this.queueCapacity = queueCapacity;
        this.maxInflight = maxInflight;
        this.qos0Dropped = qos0Dropped;
        this.claims = new ClientIdClaims(store, nodeId, clock);
        // A sole node's clean session gets its record when another node joins, if it is still connected here.
        claims.sole()
                .recordWith(
                        s -> connected.get(s.clientId()) == s ? saveClean(s) : CompletableFuture.completedFuture(null));
    }

    /** Whether this node decides claims alone (it is the only live node); fed by the node's liveness. */
    public SoleNodeClaims soleNodeClaims() {
        return claims.sole();
    }

    /**
     * Across nodes: how long a CONNECT waits for the node holding the session to hand it over, and what closes
     * a connection of this node whose session another node claimed (on its event loop; MQTT 5: 0x8E).
     */
    public void configureTakeover(long timeoutMs, Consumer<ClientSession> closeTakenOver) {
        claims.takeoverTimeout(timeoutMs);
        this.takenOverElsewhere = closeTakenOver;
    }

    /** The ACL rules that judge resumed subscriptions and each delivered message; without it all is allowed. */
    public void configureAccess(Access rules) {
        this.access = rules;
    }

    /**
     * The user a CONNECT by {@code principal} would take {@code clientId}'s session from, or null when the session
     * is free to it: none exists, it has ended, it is {@code principal}'s own, or it belongs to nobody (an
     * anonymous client's, or a record written before sessions kept their user). Judged on the session as the
     * cluster sees it (the sessions topic, which every node tails) and on the connection of this node.
     */
    public @Nullable String ownerOtherThan(String clientId, @Nullable String principal) {
        return claims.ownerOtherThan(connected.get(clientId), clientId, principal);
    }

    /**
     * Establishes the session for a CONNECT: an existing connection with the same client id is closed first
     * ({@code kick} runs on its event loop and must close it), then, if another node holds the session, it is
     * claimed from that node; then the session is created or resumed on the new channel's event loop.
     */
    public CompletableFuture<Established> connect(ConnectRequest request, Consumer<ClientSession> kick) {
        ClientSession previous = connected.get(request.clientId());
        if (previous != null
                && previous.principal() != null
                && !previous.principal().equals(request.principal())) {
            // Another user's CONNECT got here first, since ConnectGate checked: the holder is left alone.
            return CompletableFuture.failedFuture(
                    new OwnedByAnotherUser(request.clientId(), previous.principal(), request.principal()));
        }
        // No future means the previous session has already closed (its future completed and was removed).
        CompletableFuture<Void> gone = previous == null
                ? CompletableFuture.completedFuture(null)
                : closing.getOrDefault(previous, CompletableFuture.completedFuture(null));
        if (previous != null) {
            previous.channel().eventLoop().execute(() -> kick.accept(previous));
        }
        return gone.thenCompose(v -> claims.sole().membershipKnown()).thenCompose(v -> attempt(request, kick, 1));
    }

    /**
     * One attempt to take the session: claimed from the node holding it, then established here, then confirmed as
     * the epoch's first record in the sessions topic. A claim another node made first is lost: the next attempt
     * claims the session from that node (the later CONNECT wins, as on one node) [MQTT-3.1.4-3].
     */
    private CompletableFuture<Established> attempt(ConnectRequest request, Consumer<ClientSession> kick, int n) {
        // The claim was lost to another user's CONNECT (on another node, within milliseconds): that user holds the
        // client id now, and this CONNECT is refused, as ConnectGate refuses it once the session is known.
        String owner = n > 1 ? ownerOtherThan(request.clientId(), request.principal()) : null;
        if (owner != null) {
            return CompletableFuture.failedFuture(
                    new OwnedByAnotherUser(request.clientId(), owner, request.principal()));
        }
        CompletableFuture<Established> once = claims.claimIfHeldElsewhere(request.clientId(), request.principal())
                .thenComposeAsync(
                        handedOver -> durable(establish(request, kick, handedOver)),
                        request.channel().eventLoop());
        return once.handle((est, e) -> {
                    Throwable cause = e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
                    if (cause instanceof SessionStore.ClaimLost
                            && n < MAX_CLAIM_ATTEMPTS
                            && request.channel().isActive()) {
                        LOG.info("Session {}: {}; claiming it again", request.clientId(), cause.getMessage());
                        return attempt(request, kick, n + 1);
                    }
                    return e == null
                            ? CompletableFuture.completedFuture(est)
                            : CompletableFuture.<Established>failedFuture(cause);
                })
                .thenCompose(f -> f);
    }

    /** Claims lost in a row before a CONNECT is refused: each loss means another CONNECT won in between. */
    private static final int MAX_CLAIM_ATTEMPTS = 5;

    /**
     * A session is in Kafka before CONNACK says so: the CONNACK waits for the session's record (and the tombstone
     * of a discarded one). If Kafka refuses it, the session is closed and the CONNECT fails.
     */
    private CompletableFuture<Established> durable(Pending pending) {
        Established est = pending.established();
        ClientSession session = est.session();
        return pending.stored().thenCompose(v -> pending.claimed()).handle((won, e) -> {
            if (e != null) {
                session.channel().eventLoop().execute(() -> closed(session));
                throw new java.util.concurrent.CompletionException(e);
            }
            if (!won) {
                session.channel().eventLoop().execute(() -> abandon(session));
                throw new SessionStore.ClaimLost(session.clientId(), session.epoch());
            }
            session.markClaimed();
            return est;
        });
    }

    /**
     * An established session whose records are on their way to Kafka, and whether its record claims the session
     * (read back from the sessions topic as the first of its epoch; true at once when nothing was stored).
     */
    private record Pending(
            Established established, CompletableFuture<Void> stored, CompletableFuture<Boolean> claimed) {}

    /**
     * Another node claimed the session's epoch first: this one never held it. It leaves without a trace: no record
     * (the winner's stays), no will (the connection goes on, in the next attempt). Its event loop.
     */
    private void abandon(ClientSession session) {
        session.takeOverElsewhere(session.epoch()); // nothing more is stored for it, not even by a checkpoint
        connected.remove(session.clientId(), session);
        for (Subscription s : session.subscriptions()) {
            subscribers.remove(session, s);
        }
        session.outbox().detach(reader);
        CompletableFuture<Void> f = closing.remove(session);
        if (f != null) {
            f.complete(null);
        }
    }

    /**
     * On the tail thread: another node wrote a record for a session. If it claims one connected here, close it;
     * a will pending here for an older epoch is not published: the session goes on there [MQTT-3.1.3-9].
     */
    public void foreignRecord(SessionState record) {
        wills.superseded(record.clientId(), record.epoch());
        ClientSession session = connected.get(record.clientId());
        // At the session's own epoch only once its claim was confirmed: until then, the record that came first
        // simply wins (the CONNECT here is not yet answered, and claims again). A later record of that epoch
        // reaches here only after a tombstone (a clean start elsewhere).
        if (session != null
                && (record.epoch() > session.epoch() || record.epoch() == session.epoch() && session.claimed())
                && !nodeId.equals(record.owner())
                && session.takeOverElsewhere(record.epoch())) {
            session.channel().eventLoop().execute(() -> takenOverElsewhere.accept(session));
        }
    }

    /** On the tail thread: another node deleted a session (clean start there, or expiry): no will pending here. */
    public void foreignDelete(String clientId) {
        wills.superseded(clientId, Long.MAX_VALUE);
    }

    private CompletableFuture<Void> closedFuture(ClientSession session) {
        return closing.computeIfAbsent(session, s -> new CompletableFuture<>());
    }

    private Pending establish(ConnectRequest request, Consumer<ClientSession> kick, @Nullable SessionState handedOver) {
        String clientId = request.clientId();
        wills.cancel(clientId);
        SessionState latest = store.get(clientId);
        SessionState stored = handedOver != null ? handedOver : latest;
        // The holder never handed over: its will is published once this node's claim is confirmed (not before:
        // another node may claim the session first, and it would publish the same will).
        SessionState deadHolder = handedOver != null
                        && handedOver.disconnectedAtMillis() == 0
                        && latest != null
                        && handedOver.epoch() < latest.epoch()
                ? handedOver
                : null;
        long now = clock.millis();
        if (stored != null
                && (stored.expiryIntervalSeconds() == 0
                        || stored.disconnectedAtMillis() != 0 && stored.expiresAtMillis() <= now)) {
            // Ended: expired, or not persistent (expiry 0), which ends with its connection [MQTT-3.1.2-23]; the
            // record of a clean session still connected elsewhere (a claim that fell back to it) has nothing to resume.
            stored = null;
        }
        long epoch = claims.nextEpoch(clientId, stored, latest);
        Outbox outbox = new Outbox(queueCapacity, maxInflight, qos0Dropped, clock);
        ClientSession session = new ClientSession(
                clientId,
                request.protocolLevel(),
                request.channel(),
                outbox,
                epoch,
                request.expiryIntervalSeconds(),
                request.will());
        // Before the session can be matched: no message reaches it unchecked.
        session.setPrincipal(request.principal());
        session.setReadCheck(access.readCheck(request.principal()));
        boolean present = false;
        DeliveryState resumed = DeliveryState.EMPTY;
        CompletableFuture<Void> discarded = CompletableFuture.completedFuture(null);
        if (request.cleanStart() || stored == null) {
            if (latest != null) {
                discarded = store.delete(clientId); // everywhere: every node tails the tombstone [MQTT-3.1.2-4]
            }
            outbox.startLive(reader.shards());
        } else {
            session.restore(stored.subscriptions(), stored.qos2Received());
            dropDeniedSubscriptions(session);
            outbox.resume(reader.shards(), stored.delivery());
            resumed = stored.delivery();
            present = true;
        }
        closedFuture(session); // before it is visible to a take-over, which waits on it
        ClientSession raced = connected.put(clientId, session);
        if (raced != null) {
            raced.channel().eventLoop().execute(() -> kick.accept(raced));
        }
        for (Subscription s : session.subscriptions()) {
            subscribers.add(session, s);
        }
        // Every session has a record while it is connected, a clean one without a will too: the record is how every
        // node knows who holds the client id (a CONNECT elsewhere claims it from here, another user's is refused
        // everywhere), and reading it back is what makes the claim race-free when other nodes are live. On a sole
        // node the registry decides (SoleNodeClaims), and a clean session's record does not hold the CONNACK (it is
        // never resumed: nothing to make durable). A will is stored with the session so that another node can
        // publish it if this one dies; a resumed record is rewritten so that it no longer holds the previous
        // connection's will.
        boolean clean = !session.isPersistent() && session.will() == null && !present;
        // A clean record says who holds the client id, nothing more: no delivery positions (never resumed), which
        // would cost a snapshot of the outbox's cursors per CONNECT and their copies in every node's view.
        ClientIdClaims.Claim claim = claims.claim(session, clean, () -> clean ? saveClean(session) : save(session));
        CompletableFuture<Boolean> claimed = claim.won();
        return new Pending(
                new Established(session, present, resumed),
                CompletableFuture.allOf(discarded, claim.stored()),
                deadHolder == null
                        ? claimed
                        : claimed.thenApply(won -> {
                            if (won) {
                                publishWillOfDeadHolder(deadHolder);
                            }
                            return won;
                        }));
    }

    /**
     * The ACL rules may have changed since the session was stored: a subscription they now refuse is dropped
     * (and the record rewritten without it), so nothing is delivered for it.
     */
    private void dropDeniedSubscriptions(ClientSession session) {
        for (Subscription s : List.copyOf(session.subscriptions())) {
            String denied = access.subscriptionDenied(session.principal(), s.filter());
            if (denied != null) {
                session.removeSubscription(s.filter().text());
                LOG.warn(
                        "Dropping subscription '{}' of resumed session {} (user {}): {}",
                        s.filter().text(),
                        session.clientId(),
                        session.principal(),
                        denied);
            }
        }
    }

    /**
     * The node that held the session did not hand it over (it is dead) and never stored it as closed: its
     * connection is gone without a DISCONNECT, so a will without delay is published now, as on a take-over
     * within one node; a delayed one is not, since the client is back [MQTT-3.1.3-9].
     */
    private void publishWillOfDeadHolder(SessionState held) {
        SessionState.StoredWill w = held.will();
        if (w != null && Math.min(w.delaySeconds(), held.expiryIntervalSeconds()) <= 0) {
            wills.schedule(held.clientId(), held.epoch(), w.toWill(held.clientId()), 0);
        }
    }

    /**
     * After CONNACK: starts the replay of a resumed session's offline messages, and the reading back of the shared
     * QoS 2 messages it owes the client.
     */
    public void started(ClientSession session) {
        if (!session.outbox().catchingUp().isEmpty() || session.outbox().hasSharedToResend()) {
            catchUp.schedule(session);
        }
    }

    /** The connection is gone: store or forget the session, schedule the will. On its event loop. */
    public void closed(ClientSession session) {
        // The will is scheduled before the session leaves the registry: a reconnect that finds the client id
        // free must find the will there to cancel [MQTT-3.1.3-9]. A normal DISCONNECT has already cleared it.
        Will will = session.will();
        long claimEpoch = session.takenOverAtEpoch();
        // Taken over by another node: a delayed will would be published here although the session goes on
        // there (which cannot cancel it), so only a will without delay is published, as on a local take-over.
        boolean delayed = will != null && Math.min(will.delaySeconds(), session.expiryIntervalSeconds()) > 0;
        boolean current = connected.get(session.clientId()) == session;
        // Due now and this connection's record is the session's: the will commits with the final record.
        boolean withFinalRecord = will != null && !delayed && current && store.transactional();
        if (will != null && (claimEpoch == 0 || !delayed) && !withFinalRecord) {
            wills.schedule(session.clientId(), session.epoch(), will, session.expiryIntervalSeconds());
        }
        if (!delayed || claimEpoch != 0) {
            session.deleteWill(); // published or dropped: not in the stored record (only a pending will is)
        }
        for (Subscription s : session.subscriptions()) {
            subscribers.remove(session, s);
        }
        DeliveryState delivery = session.outbox().detach(reader);
        // The session leaves the registry only once its final record is in the store's view: until then a CONNECT
        // of the client id (on another event loop) finds it here and waits for this close, rather than resuming
        // from an older record, without the acknowledgements of this connection (a duplicate of an acknowledged
        // message) [MQTT-4.4.0-1].
        boolean unrecorded = claims.sole().ended(session); // a sole node's clean session: no record, no tombstone
        if (connected.get(session.clientId()) == session) {
            if (!unrecorded) {
                storeFinal(session, delivery, withFinalRecord ? will : null);
            }
            connected.remove(session.clientId(), session);
        } else if (withFinalRecord) {
            wills.schedule(session.clientId(), session.epoch(), will, 0); // replaced meanwhile: publish it alone
        }
        CompletableFuture<Void> f = closing.remove(session);
        if (f != null) {
            f.complete(null);
        }
    }

    /** The record a closed connection leaves: its hand-over, its offline state, or none; with the will if given. */
    private void storeFinal(ClientSession session, DeliveryState delivery, @Nullable Will will) {
        long now = clock.millis();
        long claimEpoch = session.takenOverAtEpoch();
        SessionState last;
        if (claimEpoch != 0) {
            // The hand-over: the exact final state (positions, in-flight packet ids) at the claim's epoch.
            last = session.toState(delivery, nodeId, now).with(nodeId, claimEpoch, now, SessionState.HANDOVER);
        } else {
            last = session.isPersistent() ? session.toState(delivery, nodeId, now) : null;
        }
        if (will != null) {
            wills.publishWith(session.clientId(), will, last);
        } else if (last != null) {
            store.save(last);
        } else {
            store.delete(session.clientId());
        }
    }

    private CompletableFuture<Void> saveClean(ClientSession session) {
        return store.save(session.toState(DeliveryState.EMPTY, nodeId, 0));
    }

    /** Stores the session as it is now (subscriptions, progress); completes when Kafka has it. Event loop. */
    public CompletableFuture<Void> save(ClientSession session) {
        return store.save(stateNow(session));
    }

    /** The session as it is now, to be stored (marked as its last saved progress). Event loop. */
    SessionState stateNow(ClientSession session) {
        DeliveryState delivery =
                session.outbox().snapshot(reader, session.outbox().pendingReleases());
        session.markSaved(delivery);
        return session.toState(delivery, nodeId, 0);
    }

    /** Writes the progress of every connected persistent session that moved since its last save. */
    public void checkpoint() {
        for (ClientSession session : connected.values()) {
            if (!session.isPersistent() || session.takenOverAtEpoch() != 0) {
                continue;
            }
            session.channel().eventLoop().execute(() -> {
                if (connected.get(session.clientId()) != session || session.takenOverAtEpoch() != 0) {
                    return;
                }
                DeliveryState delivery =
                        session.outbox().snapshot(reader, session.outbox().pendingReleases());
                if (!delivery.equals(session.lastSaved())) {
                    session.markSaved(delivery);
                    store.save(session.toState(delivery, nodeId, 0));
                }
            });
        }
    }

    /**
     * The sessions of the cluster as the sessions topic has them, with this node's clean sessions that have no record
     * there yet (a sole node's, see SoleNodeClaims): what the ops API lists.
     */
    public List<SessionState> clusterSessions() {
        return claims.clusterSessions();
    }

    public Collection<ClientSession> sessions() {
        return new ArrayList<>(connected.values());
    }

    /** Futures that complete when each currently connected session has been closed and stored. */
    public List<CompletableFuture<Void>> closeFutures() {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (ClientSession s : connected.values()) {
            futures.add(closedFuture(s));
        }
        return futures;
    }

    /**
     * At shutdown: disconnects every client of this node on its event loop ({@code disconnect} sends the
     * reason) and waits up to {@code wait} for their sessions to be stored.
     */
    public void closeAll(Consumer<ClientSession> disconnect, java.time.Duration wait) {
        java.util.List<CompletableFuture<Void>> stored = closeFutures();
        for (ClientSession s : sessions()) {
            s.channel().eventLoop().execute(() -> disconnect.accept(s));
        }
        try {
            CompletableFuture.allOf(stored.toArray(new CompletableFuture[0]))
                    .get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(SessionRegistry.class)
                    .warn("Not every session closed in time: {}", e.toString());
        }
    }
}
