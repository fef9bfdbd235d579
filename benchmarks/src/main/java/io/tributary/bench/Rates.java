/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

/** Arithmetic shared by every phase, kept in one place so all figures are computed alike. */
public final class Rates {

    private static final double BYTES_PER_MB = 1024.0 * 1024.0;

    private Rates() {}

    /** Events per second; 0 when nothing elapsed (avoids infinities in the JSON summary). */
    public static double perSecond(long count, long elapsedNanos) {
        if (elapsedNanos <= 0 || count <= 0) {
            return 0.0;
        }
        return count * 1e9 / elapsedNanos;
    }

    /** Payload megabytes (MiB) per second. */
    public static double megabytesPerSecond(long count, int sizeBytes, long elapsedNanos) {
        return perSecond(count, elapsedNanos) * sizeBytes / BYTES_PER_MB;
    }

    /** {@code part / whole}, 0 when whole is 0. */
    public static double fraction(double part, double whole) {
        return whole <= 0 ? 0.0 : part / whole;
    }
}
