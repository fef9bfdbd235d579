/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a CONNECT's claim of its client id must be read back from the sessions topic before CONNACK. A claim is
 * raced only by another node's claim: while this node is the only member of the nodes' group (NodeLiveness), its
 * own registry decides. A persistent session's record is still committed before CONNACK (durable), but not read
 * back; a clean session's record is not written at all until another node joins (it is never resumed, and only
 * another node needs to know who holds its client id): the rebalance writes the records of the clean sessions then
 * connected. See docs/architecture.md, "Claims on a sole node".
 *
 * <p>Why no other node can act on a client id before it sees such a record: a node that joins the group completes
 * its join only once every member rejoined (the group's protocol is eager, RangeAssignor), and a member rejoins
 * only after {@link #rebalancing} returned, which stops local decisions and waits until every record written
 * without read-back (and of every clean session that had none) is committed. A node holds back its own claims until its first join completed
 * ({@link #membershipKnown}), so its records follow those in the sessions topic, and the topic's order decides
 * (SessionClaims): a CONNECT that raced such a record loses its claim and tries again against it.
 *
 * <p>Event loops call {@link #decideAlone}, {@link #deferRecord} and {@link #ended}; the liveness thread calls {@link #rebalancing} and {@link #members}.
 */
public final class SoleNodeClaims {

    private static final Logger LOG = LoggerFactory.getLogger(SoleNodeClaims.class);

    private final String nodeId;
    /** Only the liveness thread sets it true (after a rebalance showed this node alone); false is the safe side. */
    private volatile boolean alone;
    /** Completes once the node's first join of the group is done (at once for a node without liveness). */
    private volatile CompletableFuture<Void> joined = CompletableFuture.completedFuture(null);
    /** Records written without read-back, until committed: what a rebalance waits for. */
    private final Set<CompletableFuture<Void>> unconfirmed = ConcurrentHashMap.newKeySet();
    /** Clean sessions whose record is not written yet: a rebalance writes them first. */
    private final Set<ClientSession> unrecorded = ConcurrentHashMap.newKeySet();
    /** Writes a clean session's record if it is still connected here (on its event loop; set by the registry). */
    private volatile Function<ClientSession, CompletableFuture<Void>> recorder =
            s -> CompletableFuture.completedFuture(null);

    public SoleNodeClaims(String nodeId) {
        this.nodeId = nodeId;
    }

    /**
     * The node is about to join the nodes' group: its claims wait until the join is done, for at most {@code
     * timeoutMs} (a group coordinator that does not answer must not hold every CONNECT).
     */
    public void expectMembership(long timeoutMs) {
        joined = new CompletableFuture<Void>().completeOnTimeout(null, timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Completes once claims may be written: after the node's first join of the nodes' group. */
    CompletableFuture<Void> membershipKnown() {
        return joined;
    }

    /**
     * A rebalance begins (the liveness thread, before it rejoins): from now on every claim is read back, and this
     * returns once the records written without read-back are committed, or after {@code timeoutMs}.
     */
    public void rebalancing(long timeoutMs) {
        alone = false;
        for (ClientSession s : List.copyOf(unrecorded)) {
            unconfirmed.add(recordOnItsLoop(s));
        }
        List<CompletableFuture<Void>> pending = List.copyOf(unconfirmed);
        if (pending.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.allOf(pending.toArray(new CompletableFuture[0])).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Failed writes left no record to be seen; a write still open after the timeout is the window that stays.
            LOG.warn("{} session records written without read-back were not committed: {}", pending.size(), e);
        }
    }

    /** The clean session's record, written now on its event loop unless it ended (or was written) meanwhile. */
    private CompletableFuture<Void> recordOnItsLoop(ClientSession session) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        written.whenComplete((v, e) -> unconfirmed.remove(written));
        session.channel().eventLoop().execute(() -> {
            if (!unrecorded.remove(session)) {
                written.complete(null);
                return;
            }
            recorder.apply(session).whenComplete((v, e) -> written.complete(null));
        });
        return written;
    }

    /** How a clean session's record is written once another node may need it (the registry's). */
    void recordWith(Function<ClientSession, CompletableFuture<Void>> writer) {
        this.recorder = writer;
    }

    /**
     * Whether a clean session's record may wait until another node joins: true while this node is alone; then the
     * session is tracked until {@link #ended} or written by a rebalance. On the session's event loop.
     */
    boolean deferRecord(ClientSession session) {
        unrecorded.add(session);
        if (!alone) {
            unrecorded.remove(session);
            return false;
        }
        return true;
    }

    /** The session ended: whether its record was never written (so no tombstone is due). On its event loop. */
    boolean ended(ClientSession session) {
        return unrecorded.remove(session);
    }

    /** The clean sessions of this node that have no record yet (for the ops view of the sessions). */
    List<ClientSession> unrecorded() {
        return List.copyOf(unrecorded);
    }

    /** A rebalance is done: the live nodes, or null when they could not be listed (then claims are read back). */
    public void members(@Nullable Set<String> alive) {
        alone = alive != null && alive.equals(Set.of(nodeId));
        joined.complete(null);
    }

    /**
     * Whether the registry decides the next claim alone: then the returned future is to be completed once the claim's
     * record is written (committed or failed), and a rebalance waits for it; null when the claim must be read back.
     * Registered before {@link #alone} is read: a rebalance that starts meanwhile either waits for it or is seen here.
     */
    @Nullable
    CompletableFuture<Void> decideAlone() {
        CompletableFuture<Void> written = new CompletableFuture<>();
        unconfirmed.add(written);
        if (!alone) {
            unconfirmed.remove(written);
            return null;
        }
        written.whenComplete((v, e) -> unconfirmed.remove(written));
        return written;
    }

    /** Whether this node was the only live node at the last rebalance (for tests and the ops view). */
    public boolean alone() {
        return alone;
    }
}
