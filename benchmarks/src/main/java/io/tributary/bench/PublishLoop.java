/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishers pushing a fixed number of messages as fast as the broker takes them, one thread each, for the phases
 * whose figure is not the publish rate itself (the backlog fill, the fan-out source). Each publisher keeps at most
 * {@code maxInFlight} publishes unfinished, so memory stays bounded however far the broker falls behind.
 */
final class PublishLoop {

    /** What the loop did: completed and failed publishes, and the nanoTime span from start to last completion. */
    record Outcome(long published, long failed, long startNanos, long lastCompletionNanos, boolean timedOut) {
        long elapsedNanos() {
            return published == 0 ? 0 : lastCompletionNanos - startNanos;
        }
    }

    private PublishLoop() {}

    /** Publisher {@code i} writes to {@code topics.get(i)}; returns once every publish completed or at the deadline. */
    static Outcome run(
            List<BenchClient> publishers,
            List<String> topics,
            long messages,
            byte[] payload,
            int qos,
            int maxInFlight,
            long deadline)
            throws InterruptedException {
        final AtomicLong attempted = new AtomicLong();
        final AtomicLong published = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong lastCompletion = new AtomicLong();
        final AtomicBoolean hitDeadline = new AtomicBoolean();
        final int count = publishers.size();
        final long start = System.nanoTime();
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            final BenchClient client = publishers.get(p);
            final String topic = topics.get(p);
            final long share = messages / count + (p < messages % count ? 1 : 0);
            final Thread thread = new Thread(
                    () -> {
                        final Semaphore inFlight = new Semaphore(maxInFlight);
                        try {
                            for (long i = 0; i < share; i++) {
                                final long remaining = deadline - System.nanoTime();
                                if (remaining <= 0 || !inFlight.tryAcquire(remaining, TimeUnit.NANOSECONDS)) {
                                    hitDeadline.set(true);
                                    return;
                                }
                                attempted.incrementAndGet();
                                client.publish(topic, payload, qos).whenComplete((ignored, error) -> {
                                    inFlight.release();
                                    if (error == null) {
                                        published.incrementAndGet();
                                        lastCompletion.accumulateAndGet(System.nanoTime(), Math::max);
                                    } else {
                                        failed.incrementAndGet();
                                    }
                                });
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "bench-loop-publisher-" + p);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        while (published.get() + failed.get() < attempted.get() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        final boolean timedOut = hitDeadline.get() || published.get() + failed.get() < attempted.get();
        return new Outcome(published.get(), failed.get(), start, lastCompletion.get(), timedOut);
    }

    /** Waits until {@code count} reaches {@code expected}, nothing arrived for {@code idleNanos}, or the deadline. */
    static boolean awaitCount(
            AtomicLong count, AtomicLong lastArrivalNanos, long expected, long idleNanos, long deadline) {
        final long waitStart = System.nanoTime();
        while (count.get() < expected) {
            final long now = System.nanoTime();
            if (now - deadline >= 0 || now - Math.max(lastArrivalNanos.get(), waitStart) >= idleNanos) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        return true;
    }
}
