/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import org.HdrHistogram.Histogram;

/** Percentiles of a latency histogram recorded in nanoseconds, expressed in milliseconds. */
public record LatencySummary(long count, double p50Ms, double p99Ms, double p999Ms, double maxMs) {

    private static final double NANOS_PER_MS = 1_000_000.0;

    /** Highest latency the histograms track; anything slower is clamped so recording never throws. */
    public static final long HIGHEST_TRACKABLE_NANOS = 600_000_000_000L;

    /** 3 significant digits: 0.1 % value precision, plenty for p99.9 and small enough in memory. */
    public static final int SIGNIFICANT_DIGITS = 3;

    public static LatencySummary empty() {
        return new LatencySummary(0, 0, 0, 0, 0);
    }

    public static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
    }

    /** Clamps into the trackable range so one absurd sample (clock bug, stall) cannot abort a run. */
    public static long clampNanos(long nanos) {
        return Math.max(0, Math.min(nanos, HIGHEST_TRACKABLE_NANOS));
    }

    public static LatencySummary of(Histogram nanos) {
        if (nanos.getTotalCount() == 0) {
            return empty();
        }
        return new LatencySummary(
                nanos.getTotalCount(),
                toMs(nanos.getValueAtPercentile(50.0)),
                toMs(nanos.getValueAtPercentile(99.0)),
                toMs(nanos.getValueAtPercentile(99.9)),
                toMs(nanos.getMaxValue()));
    }

    /** Whether p99 is strictly below {@code targetMs}; false when nothing was measured. */
    public boolean p99Below(double targetMs) {
        return count > 0 && p99Ms < targetMs;
    }

    private static double toMs(long nanos) {
        return nanos / NANOS_PER_MS;
    }
}
