/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake.worker;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ends this JVM when the broker node that started it is gone, also when the node was killed and ran no shutdown
 * hook. The node holds the write end of this process's stdin, so end-of-file on stdin is the first sign (the
 * kernel closes it with the node); the parent's exit, polled by {@link ProcessHandle#onExit()}, the second.
 */
final class ParentWatch {
    /** Connect's stop waits on Kafka, which may have died with the node (embedded): it gets this long. */
    static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private ParentWatch() {}

    static void exitWhenParentGone(InputStream parentPipe) {
        AtomicBoolean exiting = new AtomicBoolean();
        Runnable exit = () -> {
            if (exiting.compareAndSet(false, true)) {
                System.err.println("The broker node that started this lake worker is gone: stopping.");
                daemon("lake-halt", ParentWatch::haltAfterGrace).start();
                System.exit(0); // runs Connect's shutdown hook: tasks stop, offsets are committed
            }
        };
        daemon("lake-parent-pipe", () -> {
                    drain(parentPipe);
                    exit.run();
                })
                .start();
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(exit));
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // the node writes nothing: this only waits for end-of-file
            }
        } catch (IOException closed) {
            // a broken pipe is the same news as end-of-file
        }
    }

    private static void haltAfterGrace() {
        try {
            Thread.sleep(STOP_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.err.println("The lake worker did not stop within " + STOP_GRACE + ": halting.");
        Runtime.getRuntime().halt(1);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }
}
