/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.routing.TopicRouter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The QoS 2 state of a persistent session made durable before the step it guards, so that QoS 2 is exactly once
 * across crashes and take-overs (docs/architecture.md, "Exactly once"):
 *
 * <ul>
 *   <li>inbound PUBLISH: the message and the session's record (packet id received) commit in one Kafka transaction,
 *       before PUBREC; a PUBLISH re-sent after a crash is recognised from the committed record;
 *   <li>inbound PUBREL: the record without the packet id is stored before PUBCOMP, so a packet id the client reuses
 *       afterwards is never taken for a duplicate;
 *   <li>outbound PUBREC: the record with the pending release is stored before PUBREL, so a session resumed after a
 *       crash sends PUBREL again rather than the message.
 * </ul>
 *
 * Applies only when the session log is transactional (qos2.exactly.once) and the session outlives its connection;
 * a session that ends with its connection has nothing to resume, and keeps the faster path.
 */
public final class ExactlyOnce {

    private final SessionRegistry sessions;
    private final SessionStore store;
    /** Per session, the store that will snapshot it at the end of this event-loop turn (read on that loop only). */
    private final Map<ClientSession, CompletableFuture<Void>> coalesced = new ConcurrentHashMap<>();

    public ExactlyOnce(SessionRegistry sessions, SessionStore store) {
        this.sessions = sessions;
        this.store = store;
    }

    /** Puts the session's outbound PUBRELs behind a stored record (when the session is persistent). */
    public void guardReleases(ClientSession session) {
        session.outbox().guardReleases(() -> appliesTo(session) ? store(session) : null);
    }

    /** Whether the QoS 2 exchanges of this session go through the durable steps. */
    public boolean appliesTo(ClientSession session) {
        return store.transactional() && session.isPersistent() && session.takenOverAtEpoch() == 0;
    }

    /**
     * Writes a QoS 2 message with the session's record, whose received packet ids already include the message's;
     * completes once both are committed. On the session's event loop.
     */
    public CompletableFuture<Void> receive(ClientSession session, TopicRouter.Route route, Message message) {
        return store.saveWithMessage(sessions.stateNow(session), route, message);
    }

    /**
     * Stores the session's QoS 2 state as it is after this event-loop turn (after PUBREL in, before PUBREL out). All
     * the requests of one turn (the packets of one socket read) share one record: the snapshot is taken once they
     * have all changed the state. On the session's event loop.
     */
    public CompletableFuture<Void> store(ClientSession session) {
        CompletableFuture<Void> pending = coalesced.get(session);
        if (pending != null) {
            return pending;
        }
        CompletableFuture<Void> next = new CompletableFuture<>();
        coalesced.put(session, next);
        session.channel().eventLoop().execute(() -> {
            coalesced.remove(session, next);
            sessions.save(session).whenComplete((v, e) -> {
                if (e != null) {
                    next.completeExceptionally(e);
                } else {
                    next.complete(null);
                }
            });
        });
        return next;
    }
}
