/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU the load tool itself burned during a phase, in cores. On a small machine the tool competes
 * with the broker for the same cores, so this figure tells whether a result measures the broker
 * or the tool.
 */
public final class CpuMeter {

    private final long startCpuNanos;
    private final long startWallNanos;

    private CpuMeter(long startCpuNanos, long startWallNanos) {
        this.startCpuNanos = startCpuNanos;
        this.startWallNanos = startWallNanos;
    }

    public static CpuMeter start() {
        return new CpuMeter(processCpuNanos(), System.nanoTime());
    }

    /** Average cores used since {@link #start()}; NaN where the JVM cannot tell. */
    public double coresUsed() {
        final long cpu = processCpuNanos();
        if (cpu < 0 || startCpuNanos < 0) {
            return Double.NaN;
        }
        return cores(cpu - startCpuNanos, System.nanoTime() - startWallNanos);
    }

    static double cores(long cpuNanos, long wallNanos) {
        return wallNanos <= 0 ? Double.NaN : (double) cpuNanos / wallNanos;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
