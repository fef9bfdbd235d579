/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import io.tributary.mqtt.delivery.DeliveryState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Who may take a client id across the cluster, and how a CONNECT claims it: from the node that holds it (a hand-over),
 * at an epoch above every one seen, with a record that is read back from the sessions topic before CONNACK
 * (SessionClaims decides by the topic's order), or decided here while this node is the only live node
 * ({@link SoleNodeClaims}). Every connected session has a record, a clean one too (docs/architecture.md, "Race-free
 * claims"). The registry's half: SessionRegistry, which runs the attempts; this class holds no session.
 */
final class ClientIdClaims {

    private final SessionStore store;
    private final String nodeId;
    private final Clock clock;
    private final SoleNodeClaims sole;
    private volatile long takeoverTimeoutMs = 5000;

    ClientIdClaims(SessionStore store, String nodeId, Clock clock) {
        this.store = store;
        this.nodeId = nodeId;
        this.clock = clock;
        this.sole = new SoleNodeClaims(nodeId);
    }

    SoleNodeClaims sole() {
        return sole;
    }

    void takeoverTimeout(long timeoutMs) {
        this.takeoverTimeoutMs = timeoutMs;
    }

    /**
     * The user a CONNECT by {@code principal} would take the session from, or null when it is free to it, judged on
     * the connection here ({@code here}) and on the session as the sessions topic says (see
     * SessionRegistry#ownerOtherThan).
     */
    @Nullable
    String ownerOtherThan(@Nullable ClientSession here, String clientId, @Nullable String principal) {
        if (here != null && here.principal() != null && !here.principal().equals(principal)) {
            return here.principal();
        }
        SessionState stored = store.get(clientId);
        if (stored == null
                || stored.principal() == null
                || stored.principal().equals(principal)
                || (stored.disconnectedAtMillis() != 0 && stored.expiresAtMillis() <= clock.millis())) {
            return null;
        }
        return stored.principal();
    }

    /**
     * The state handed over by the node that holds the session (see docs/architecture.md, "Many nodes"), or null
     * when no other node holds it: then the session is resumed from the store's view. Fails with
     * {@link OwnedByAnotherUser} when the node holds it for another user.
     */
    CompletableFuture<@Nullable SessionState> claimIfHeldElsewhere(String clientId, @Nullable String principal) {
        SessionState stored = store.get(clientId);
        if (stored == null
                || stored.disconnectedAtMillis() != 0
                || stored.owner() == null
                || stored.owner().equals(nodeId)) {
            return CompletableFuture.completedFuture(null);
        }
        if (stored.principal() != null && !stored.principal().equals(principal)) {
            // Its record reached this node's view after ConnectGate checked: another user's, which is not claimed.
            return CompletableFuture.failedFuture(new OwnedByAnotherUser(clientId, stored.principal(), principal));
        }
        return store.claim(stored, takeoverTimeoutMs);
    }

    /**
     * The epoch of a new session record: never below one seen for this client id (a claim included), so that the new
     * records win everywhere, and above the holder by the topic's order, which the view may lag (a tombstone read
     * after a claim of this node was put into the view): a record below it would lose its claim however often it is
     * written.
     */
    long nextEpoch(String clientId, @Nullable SessionState stored, @Nullable SessionState latest) {
        long seen = Math.max(stored == null ? 0 : stored.epoch(), latest == null ? 0 : latest.epoch());
        return Math.max(seen, store.holderEpoch(clientId)) + 1;
    }

    /**
     * The claim made by a new session's record, written by {@code save}: {@code won} completes with whether it holds
     * the client id (read back from the topic, or at once on a sole node), {@code stored} once the CONNACK may go
     * (the record committed). On a sole node a clean session's record is not written until another node joins
     * ({@link SoleNodeClaims#deferRecord}).
     */
    Claim claim(ClientSession session, boolean clean, Supplier<CompletableFuture<Void>> save) {
        if (clean && sole.deferRecord(session)) {
            return new Claim(CompletableFuture.completedFuture(true), CompletableFuture.completedFuture(null));
        }
        CompletableFuture<Void> decidedAlone = sole.decideAlone();
        // Expected before the write: the tail may read the record back before the write's future completes.
        CompletableFuture<Boolean> won = decidedAlone != null
                ? CompletableFuture.completedFuture(true)
                : store.expectClaim(session.clientId(), session.epoch(), takeoverTimeoutMs);
        CompletableFuture<Void> saved = save.get();
        if (decidedAlone != null) {
            saved.whenComplete((v, e) -> decidedAlone.complete(null));
        }
        return new Claim(won, saved);
    }

    /** The store's view of the cluster's sessions plus this node's clean sessions without a record yet. */
    List<SessionState> clusterSessions() {
        List<SessionState> all = new ArrayList<>(store.all());
        for (ClientSession s : sole.unrecorded()) {
            all.add(s.toState(DeliveryState.EMPTY, nodeId, 0));
        }
        return all;
    }

    record Claim(CompletableFuture<Boolean> won, CompletableFuture<Void> stored) {}
}
