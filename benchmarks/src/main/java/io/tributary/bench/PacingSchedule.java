/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * Fixed-rate send schedule computed from absolute deadlines.
 *
 * <p>Message {@code i} is due at {@code start + i * 1e9 / rate}. Each deadline is derived from the
 * start and the index alone, never from the previous send, so a late wake-up or a slow send does
 * not accumulate drift: a publisher that falls behind catches up, and the latency measured from the
 * scheduled instant (see {@link LatencyPhase}) exposes the delay instead of hiding it (coordinated
 * omission).
 */
public record PacingSchedule(long startNanos, double ratePerSecond) {

    /** Spin rather than park for the last stretch: parkNanos overshoots by the timer slack (~50 µs). */
    static final long SPIN_THRESHOLD_NANOS = 20_000;

    public PacingSchedule {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate must be a positive finite number: " + ratePerSecond);
        }
    }

    /** Nanos between two consecutive sends. */
    public double intervalNanos() {
        return 1e9 / ratePerSecond;
    }

    /** Absolute System.nanoTime() at which message {@code index} (0-based) is due. */
    public long deadlineNanos(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0: " + index);
        }
        // Floating point keeps this exact enough (< 1 ns error up to ~1e15 ns) and overflow free.
        return startNanos + Math.round(index * intervalNanos());
    }

    /** Number of messages due within {@code durationNanos} from the start, i.e. the planned count. */
    public long messagesWithin(long durationNanos) {
        if (durationNanos <= 0) {
            return 0;
        }
        return (long) Math.ceil(durationNanos / intervalNanos());
    }

    /** How far behind schedule a send at {@code nowNanos} for message {@code index} is (0 if early). */
    public long lagNanos(long index, long nowNanos) {
        return Math.max(0, nowNanos - deadlineNanos(index));
    }

    /**
     * Blocks until {@code deadline}: parks for most of the wait to leave the CPU to the broker, then
     * spins the last few microseconds for precision. Returns immediately when already late.
     */
    public static void awaitDeadline(long deadlineNanos) {
        while (true) {
            final long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            if (remaining > SPIN_THRESHOLD_NANOS) {
                LockSupport.parkNanos(remaining - SPIN_THRESHOLD_NANOS);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** Achieved rate of {@code count} sends spread over {@code elapsedNanos}. */
    public static double achievedRate(long count, long elapsedNanos) {
        return Rates.perSecond(count, elapsedNanos);
    }
}
