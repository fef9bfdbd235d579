/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

/**
 * A persistent session's backlog drain: {@code queued} QoS 1 messages were PUBACKed while its subscriber was away;
 * on reconnect it received {@code delivered} of them in {@code drainNanos}, from the CONNECT to the last arrival.
 *
 * @param fillNanos how long the publishers took to get the backlog PUBACKed (its ingest, for reference)
 */
public record BacklogResult(
        PhaseStatus status, String note, int sizeBytes, long queued, long delivered, long fillNanos, long drainNanos) {

    public static BacklogResult skipped(String why) {
        return new BacklogResult(PhaseStatus.SKIPPED, why, 0, 0, 0, 0, 0);
    }

    public static BacklogResult failed(String why, int sizeBytes) {
        return new BacklogResult(PhaseStatus.FAILED, why, sizeBytes, 0, 0, 0, 0);
    }

    /** Messages per second the reconnected subscriber received. */
    public double drainRate() {
        return Rates.perSecond(delivered, drainNanos);
    }

    public double fillRate() {
        return Rates.perSecond(queued, fillNanos);
    }

    /** Queued messages the subscriber never got (negative: duplicates). */
    public long missing() {
        return queued - delivered;
    }
}
