/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The schedule arithmetic only; nothing here sleeps or measures time. */
class PacingScheduleTest {

    @Test
    void deadlinesAreAbsoluteFromTheStart() {
        final PacingSchedule schedule = new PacingSchedule(1_000L, 5_000);
        assertEquals(200_000.0, schedule.intervalNanos());
        assertEquals(1_000L, schedule.deadlineNanos(0));
        assertEquals(1_000L + 200_000L, schedule.deadlineNanos(1));
        assertEquals(1_000L + 20L * 1_000_000_000L, schedule.deadlineNanos(100_000));
    }

    @Test
    void nonIntegralIntervalsDoNotDrift() {
        // 3 msg/s: 333,333,333.3 ns apart. Summing a rounded interval would lose 1 ns per message;
        // computing from the index keeps message 3 000 000 at exactly 1 000 000 s.
        final PacingSchedule schedule = new PacingSchedule(0L, 3);
        assertEquals(1_000_000L * 1_000_000_000L, schedule.deadlineNanos(3_000_000));
        assertEquals(333_333_333L, schedule.deadlineNanos(1));
        assertEquals(666_666_667L, schedule.deadlineNanos(2));
    }

    @Test
    void handlesANegativeNanoTimeOrigin() {
        // System.nanoTime() may be negative; deadlines are plain offsets from it.
        final PacingSchedule schedule = new PacingSchedule(-500L, 1_000);
        assertEquals(-500L + 1_000_000L, schedule.deadlineNanos(1));
    }

    @Test
    void plannedCountCoversTheWholeDuration() {
        final PacingSchedule schedule = new PacingSchedule(0L, 5_000);
        assertEquals(100_000, schedule.messagesWithin(20_000_000_000L));
        assertEquals(1, schedule.messagesWithin(1));
        assertEquals(0, schedule.messagesWithin(0));
        // 2.5 messages fit in 500 ms at 5/s: the third one is due at 400 ms, inside the window.
        assertEquals(3, new PacingSchedule(0L, 5).messagesWithin(500_000_000L));
    }

    @Test
    void lagIsHowLateASendIsAndNeverNegative() {
        final PacingSchedule schedule = new PacingSchedule(0L, 1_000);
        assertEquals(0, schedule.lagNanos(2, 1_000_000L));
        assertEquals(500L, schedule.lagNanos(2, 2_000_500L));
    }

    @Test
    void achievedRateIsCountOverElapsed() {
        assertEquals(5_000.0, PacingSchedule.achievedRate(100_000, 20_000_000_000L), 1e-9);
        assertEquals(0.0, PacingSchedule.achievedRate(10, 0));
    }

    @Test
    void rejectsNonsenseRatesAndIndexes() {
        assertThrows(IllegalArgumentException.class, () -> new PacingSchedule(0L, 0));
        assertThrows(IllegalArgumentException.class, () -> new PacingSchedule(0L, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new PacingSchedule(0L, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new PacingSchedule(0L, 1).deadlineNanos(-1));
    }
}
