/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Who holds each session, decided by the order of the sessions topic alone, so that every node (and a node that
 * reads the topic later) decides the same: the <b>first</b> record of an epoch higher than the holder's claims the
 * session for the node it names; later records of that epoch by other nodes lost the race and are ignored (a
 * hand-over answering a claim excepted). A tombstone ends the session: the next record of any epoch claims it.
 * Two nodes that both write epoch {@code e+1} within milliseconds thus end with one holder, whichever record Kafka
 * appended first. A node acts on its claim only once it read its own record back (see {@link #expect}).
 *
 * <p>Used by {@link SessionStore} on the tail thread ({@link #decide}); read by event loops ({@link #heldBy}).
 */
final class SessionClaims {

    /** What a record does to the holder of its session. */
    enum Outcome {
        /** The first record of a higher epoch: its owner holds the session now. */
        CLAIMS,
        /** A later record of the holder at its epoch (a checkpoint, the final state). */
        HOLDS,
        /** A hand-over by the previous holder, answering the claim of the current one. */
        ANSWERS,
        /** Another node's record of an epoch that was claimed first: that node does not hold the session. */
        LOST,
        /** Below the holder's epoch: written before its writer saw the claim. */
        STALE
    }

    private record Holder(String owner, long epoch) {}

    private final Map<String, Holder> holders = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Boolean>> expected = new ConcurrentHashMap<>();

    /** The outcome of the next record of the topic for its session; the holder follows it. Tail thread. */
    Outcome decide(SessionState record) {
        Holder holder = holders.get(record.clientId());
        if (holder == null || record.epoch() > holder.epoch()) {
            holders.put(record.clientId(), new Holder(record.owner(), record.epoch()));
            return Outcome.CLAIMS;
        }
        if (record.epoch() < holder.epoch()) {
            return Outcome.STALE;
        }
        if (record.owner().equals(holder.owner())) {
            return Outcome.HOLDS;
        }
        return SessionState.HANDOVER.equals(record.phase()) ? Outcome.ANSWERS : Outcome.LOST;
    }

    /** A tombstone: the session is gone, and so is its holder. Tail thread. */
    void forget(String clientId) {
        holders.remove(clientId);
    }

    /** Whether, as far as the topic has been read, {@code node} holds the session at {@code epoch}. */
    boolean heldBy(String clientId, String node, long epoch) {
        Holder holder = holders.get(clientId);
        return holder != null && holder.epoch() == epoch && holder.owner().equals(node);
    }

    /** The epoch of the session's holder as far as the topic has been read, 0 when none: new records go above it. */
    long holderEpoch(String clientId) {
        Holder holder = holders.get(clientId);
        return holder == null ? 0 : holder.epoch();
    }

    /**
     * This node is about to write a record of {@code clientId} at {@code epoch} that claims the session: the future
     * completes with whether it won once the tail reads it back ({@link #confirm}), or fails after {@code timeoutMs}.
     */
    CompletableFuture<Boolean> expect(String clientId, long epoch, ScheduledExecutorService timer, long timeoutMs) {
        String key = key(clientId, epoch);
        CompletableFuture<Boolean> won = new CompletableFuture<>();
        CompletableFuture<Boolean> earlier = expected.put(key, won);
        if (earlier != null) {
            earlier.complete(false);
        }
        timer.schedule(
                () -> {
                    if (expected.remove(key, won)) {
                        won.completeExceptionally(new TimeoutException("session " + clientId + " at epoch " + epoch
                                + " not read back from the sessions topic within " + timeoutMs + " ms"));
                    }
                },
                timeoutMs,
                TimeUnit.MILLISECONDS);
        return won;
    }

    /** The record expected at {@code epoch} will not be read back (its write failed): it did not win. */
    void cancel(String clientId, long epoch) {
        CompletableFuture<Boolean> won = expected.remove(key(clientId, epoch));
        if (won != null) {
            won.complete(false);
        }
    }

    /** This node's own record, read back from the topic with the outcome {@link #decide} gave it. Tail thread. */
    void confirm(SessionState record, Outcome outcome) {
        if (SessionState.HANDOVER.equals(record.phase())) {
            return;
        }
        CompletableFuture<Boolean> won = expected.remove(key(record.clientId(), record.epoch()));
        if (won != null) {
            won.complete(outcome == Outcome.CLAIMS || outcome == Outcome.HOLDS);
        }
    }

    private static String key(String clientId, long epoch) {
        return epoch + "/" + clientId;
    }
}
