/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

/**
 * One publisher to {@code subscribers} subscribers of one topic: {@code published} messages completed (QoS 0:
 * written, QoS 1: PUBACKed), {@code delivered} arrivals over all subscribers, {@code deliverNanos} from the first
 * publish to the last arrival.
 *
 * @param connectNanos how long connecting and subscribing every subscriber took (not part of the rate)
 */
public record FanOutResult(
        PhaseStatus status,
        String note,
        int qos,
        int sizeBytes,
        int subscribers,
        long published,
        long delivered,
        long publishNanos,
        long deliverNanos,
        long connectNanos) {

    public static FanOutResult skipped(String why) {
        return new FanOutResult(PhaseStatus.SKIPPED, why, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    public static FanOutResult failed(String why, int qos, int sizeBytes, int subscribers) {
        return new FanOutResult(PhaseStatus.FAILED, why, qos, sizeBytes, subscribers, 0, 0, 0, 0, 0);
    }

    /** Deliveries per second over all subscribers: the fan-out figure. */
    public double deliveredRate() {
        return Rates.perSecond(delivered, deliverNanos);
    }

    public double publishRate() {
        return Rates.perSecond(published, publishNanos);
    }

    /** Deliveries expected: every completed publish to every subscriber. */
    public long expected() {
        return published * subscribers;
    }

    public double deliveredFraction() {
        return Rates.fraction(delivered, expected());
    }
}
