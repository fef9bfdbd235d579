/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {

    /** HdrHistogram at 3 significant digits: values are exact to 0.1 %. */
    private static final double PRECISION = 0.001;

    @Test
    void percentilesOfAUniformDistributionInMilliseconds() {
        final Histogram histogram = LatencySummary.newHistogram();
        // 1 ms .. 1000 ms, one sample each.
        for (long ms = 1; ms <= 1_000; ms++) {
            histogram.recordValue(ms * 1_000_000L);
        }
        final LatencySummary summary = LatencySummary.of(histogram);
        assertEquals(1_000, summary.count());
        assertEquals(500.0, summary.p50Ms(), 500.0 * PRECISION);
        assertEquals(990.0, summary.p99Ms(), 990.0 * PRECISION);
        assertEquals(999.0, summary.p999Ms(), 999.0 * PRECISION);
        assertEquals(1_000.0, summary.maxMs(), 1_000.0 * PRECISION);
    }

    @Test
    void aSingleOutlierShowsInMaxButNotInP99() {
        final Histogram histogram = LatencySummary.newHistogram();
        for (int i = 0; i < 999; i++) {
            histogram.recordValue(2_000_000L);
        }
        histogram.recordValue(250_000_000L);
        final LatencySummary summary = LatencySummary.of(histogram);
        assertEquals(2.0, summary.p99Ms(), 2.0 * PRECISION);
        assertEquals(250.0, summary.maxMs(), 250.0 * PRECISION);
        assertTrue(summary.p99Below(20.0));
        assertFalse(summary.p99Below(2.0));
    }

    @Test
    void anEmptyHistogramIsAllZeroAndNeverMeetsATarget() {
        final LatencySummary summary = LatencySummary.of(LatencySummary.newHistogram());
        assertEquals(LatencySummary.empty(), summary);
        assertFalse(summary.p99Below(20.0));
    }

    @Test
    void clampKeepsAbsurdSamplesRecordable() {
        assertEquals(0, LatencySummary.clampNanos(-5));
        assertEquals(LatencySummary.HIGHEST_TRACKABLE_NANOS, LatencySummary.clampNanos(Long.MAX_VALUE));
        LatencySummary.newHistogram().recordValue(LatencySummary.clampNanos(Long.MAX_VALUE));
    }

    @Test
    void payloadTimestampsRoundTrip() {
        final byte[] stamped = Payloads.stamped(Payloads.filler(4), -42L, 7L);
        assertEquals(Payloads.TIMESTAMP_BYTES, stamped.length);
        final ByteBuffer buffer = ByteBuffer.wrap(stamped);
        assertTrue(Payloads.isStamped(buffer));
        assertEquals(-42L, Payloads.sendNanos(buffer));
        assertEquals(7L, Payloads.scheduledNanos(buffer));
        assertFalse(Payloads.isStamped(ByteBuffer.allocate(8)));
    }
}
