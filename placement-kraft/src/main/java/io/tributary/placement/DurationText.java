/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

import java.time.Duration;

/**
 * A duration as people write it, for messages and logs: {@code 250 ms}, {@code 30 s}, {@code 1.5 s},
 * {@code 2 min}, {@code 1 min 30 s}, {@code 1 h 5 min}, {@code 7 d} (never {@code PT30S}). The one formatter every
 * message that prints a duration uses, in this module and in the broker (mqtt-frontend), which depends on it.
 */
public final class DurationText {

    private DurationText() {}

    public static String of(Duration d) {
        if (d.isNegative()) {
            return "-" + of(d.negated());
        }
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return ms % 1000 == 0 ? ms / 1000 + " s" : trim(ms / 1000.0) + " s";
        }
        long s = d.toSeconds();
        if (s < 3600) {
            return pair(s / 60, "min", s % 60, "s");
        }
        if (s < 86_400) {
            return pair(s / 3600, "h", s % 3600 / 60, "min");
        }
        return pair(s / 86_400, "d", s % 86_400 / 3600, "h");
    }

    /** Milliseconds, as most settings hold them. */
    public static String ofMillis(long ms) {
        return of(Duration.ofMillis(ms));
    }

    private static String pair(long big, String bigUnit, long small, String smallUnit) {
        return small == 0 ? big + " " + bigUnit : big + " " + bigUnit + " " + small + " " + smallUnit;
    }

    /** One decimal at most: 1.5, 2.25 rounds to 2.3, 1.04 to 1. */
    private static String trim(double seconds) {
        long tenths = Math.round(seconds * 10);
        return tenths % 10 == 0 ? Long.toString(tenths / 10) : tenths / 10 + "." + tenths % 10;
    }
}
