/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

/**
 * Fixed-rate end-to-end latency, measured after the warm-up.
 *
 * @param fromSend latency from the System.nanoTime() stamped just before the publish call
 * @param fromSchedule latency from the instant the message was due by the pacing schedule; it
 *     differs from {@code fromSend} only when the publisher fell behind, and then it is the honest
 *     figure (a stalled sender would otherwise hide the stall: coordinated omission)
 */
public record LatencyResult(
        PhaseStatus status,
        String note,
        int qos,
        double targetRate,
        long sent,
        long delivered,
        long measuredNanos,
        long maxLagNanos,
        LatencySummary fromSend,
        LatencySummary fromSchedule) {

    public static LatencyResult skipped(String why) {
        return new LatencyResult(
                PhaseStatus.SKIPPED, why, 1, 0, 0, 0, 0, 0, LatencySummary.empty(), LatencySummary.empty());
    }

    public double achievedRate() {
        return PacingSchedule.achievedRate(sent, measuredNanos);
    }

    public double maxLagMs() {
        return maxLagNanos / 1e6;
    }

    public double deliveredFraction() {
        return Rates.fraction(delivered, sent);
    }
}
