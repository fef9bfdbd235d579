/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

/**
 * One MQTT publish → subscribe throughput run at a single QoS.
 *
 * <p>{@code publishNanos} runs from the first publish to the last publish completion (for QoS 1 the
 * last PUBACK, i.e. the broker has taken the message); {@code deliverNanos} from the first publish
 * to the last arrival at the subscriber.
 */
public record ThroughputResult(
        int qos,
        PhaseStatus status,
        String note,
        int sizeBytes,
        long planned,
        long published,
        long failed,
        long delivered,
        long publishNanos,
        long deliverNanos) {

    public static ThroughputResult skipped(int qos, String why) {
        return new ThroughputResult(qos, PhaseStatus.SKIPPED, why, 0, 0, 0, 0, 0, 0, 0);
    }

    public double publishRate() {
        return Rates.perSecond(published, publishNanos);
    }

    public double publishMegabytesPerSecond() {
        return Rates.megabytesPerSecond(published, sizeBytes, publishNanos);
    }

    public double deliveredRate() {
        return Rates.perSecond(delivered, deliverNanos);
    }

    /** Share of completed publishes the subscriber saw; below 1 is legitimate only at QoS 0. */
    public double deliveredFraction() {
        return Rates.fraction(delivered, published);
    }
}
