/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

/** How a phase ended; figures of a phase that did not complete are partial. */
public enum PhaseStatus {
    COMPLETED,
    /** Hit --phase-timeout; the figures cover what happened until then. */
    TIMED_OUT,
    /** Not run: deselected by --only, or a prerequisite (Kafka, broker) was unreachable. */
    SKIPPED,
    FAILED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
