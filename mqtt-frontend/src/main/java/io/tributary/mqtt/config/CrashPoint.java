/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only hook: the steps of the QoS 2 handshakes where the crash-point test (CrashPointLedgerIT) halts the node
 * as {@code kill -9} would, at an exact point rather than at a moment a test could only guess. Off unless the node's
 * JVM runs with {@code -Dtributary.test.crash.point=STEP}, or with {@code -Dtributary.test.crash.file=PATH} whose
 * content names the STEP (so a running node can be armed); then the node halts ({@code Runtime.halt}: no shutdown
 * hook, nothing flushed) the {@code tributary.test.crash.after}-th time (default 1) it reaches STEP.
 */
public final class CrashPoint {

    /** Inbound QoS 2: the message and the session record committed, PUBREC not yet written. */
    public static final String QOS2_IN_COMMITTED = "qos2-in-committed";
    /** Inbound QoS 2: the release (PUBREL) stored, PUBCOMP not yet written. */
    public static final String QOS2_IN_RELEASED = "qos2-in-released";
    /** Outbound QoS 2: a PUBLISH written to the subscriber, no PUBREC yet. */
    public static final String QOS2_OUT_PUBLISHED = "qos2-out-published";
    /**
     * Outbound QoS 2 of a shared subscription: the member's record listing the message (with its share-group marker)
     * committed and the PUBLISH written, the share group's ACCEPT not yet given.
     */
    public static final String QOS2_OUT_SHARED_STORED = "qos2-out-shared-stored";
    /** Outbound QoS 2: PUBREC received and the pending release stored, PUBREL not yet written. */
    public static final String QOS2_OUT_RELEASE_STORED = "qos2-out-release-stored";
    /** Outbound QoS 2: PUBREL written to the subscriber, no PUBCOMP yet. */
    public static final String QOS2_OUT_PUBREL_SENT = "qos2-out-pubrel-sent";

    private static final String POINT = System.getProperty("tributary.test.crash.point");
    private static final String FILE = System.getProperty("tributary.test.crash.file");
    private static final AtomicInteger REMAINING =
            new AtomicInteger(Integer.getInteger("tributary.test.crash.after", 1));

    private CrashPoint() {}

    private static String armed() {
        if (POINT != null) {
            return POINT;
        }
        try {
            return Files.readString(Path.of(FILE)).trim();
        } catch (IOException e) {
            return ""; // not armed yet
        }
    }

    /** Halts the JVM when this is the step (and the occurrence) the test asked for; otherwise nothing. */
    public static void reached(String step) {
        if (POINT == null && FILE == null) {
            return; // a node in production
        }
        if (step.equals(armed()) && REMAINING.decrementAndGet() == 0) {
            System.err.println("Halting at crash point " + step);
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
