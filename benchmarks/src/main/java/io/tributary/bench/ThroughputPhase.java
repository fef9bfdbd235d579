/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Steps 2 and 3: N publishers push a fixed number of messages as fast as the broker takes them
 * while one subscriber counts arrivals. At QoS 1 a publish completes on PUBACK, so the publish
 * rate is the broker's ingest rate (into Kafka, for Tributary). Without a subscriber
 * ({@code subscribe} false) the broker only ingests, as the raw-producer baseline only produces.
 */
public final class ThroughputPhase {

    public record Settings(
            MqttTarget target,
            String runId,
            int qos,
            int publishers,
            long messages,
            int sizeBytes,
            int maxInFlightPerPublisher,
            Duration drainIdle,
            Duration phaseTimeout,
            boolean jsonPayload,
            boolean subscribe) {}

    private ThroughputPhase() {}

    public static ThroughputResult run(Settings settings) throws Exception {
        final long deadline = System.nanoTime() + settings.phaseTimeout().toNanos();
        final AtomicLong delivered = new AtomicLong();
        try (MqttFixture fixture = MqttFixture.open(
                settings.target(),
                settings.runId(),
                settings.publishers(),
                settings.qos(),
                settings.subscribe() ? payload -> delivered.incrementAndGet() : null)) {
            return measure(settings, fixture, delivered, deadline);
        }
    }

    private static ThroughputResult measure(Settings settings, MqttFixture fixture, AtomicLong delivered, long deadline)
            throws InterruptedException {
        final byte[] payload = settings.jsonPayload()
                ? Payloads.jsonReading(settings.sizeBytes())
                : Payloads.filler(settings.sizeBytes());
        final AtomicLong attempted = new AtomicLong();
        final AtomicLong published = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong lastCompletionNanos = new AtomicLong();
        final AtomicBoolean hitDeadline = new AtomicBoolean();
        final CountDownLatch go = new CountDownLatch(1);
        final int count = fixture.publisherCount();

        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            final int index = p;
            // Spread the remainder over the first publishers so the total is exact.
            final long share = settings.messages() / count + (p < settings.messages() % count ? 1 : 0);
            final Thread thread = new Thread(
                    () -> {
                        final BenchClient client = fixture.publisher(index);
                        final String topic = fixture.topicOf(index);
                        // Bounds memory and the client's internal queue; the broker's Receive Maximum still
                        // decides how many QoS 1 publishes are really on the wire.
                        final Semaphore inFlight = new Semaphore(settings.maxInFlightPerPublisher());
                        try {
                            go.await();
                            for (long i = 0; i < share; i++) {
                                final long remaining = deadline - System.nanoTime();
                                if (remaining <= 0 || !inFlight.tryAcquire(remaining, TimeUnit.NANOSECONDS)) {
                                    hitDeadline.set(true);
                                    return;
                                }
                                attempted.incrementAndGet();
                                client.publish(topic, payload, settings.qos()).whenComplete((ignored, error) -> {
                                    inFlight.release();
                                    if (error == null) {
                                        published.incrementAndGet();
                                        lastCompletionNanos.accumulateAndGet(System.nanoTime(), Math::max);
                                    } else {
                                        failed.incrementAndGet();
                                    }
                                });
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "bench-publisher-" + p);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }

        final long start = System.nanoTime();
        go.countDown();
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        while (published.get() + failed.get() < attempted.get() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        final boolean allCompleted = published.get() + failed.get() >= attempted.get();
        final boolean allDelivered = !settings.subscribe()
                || fixture.awaitDrain(
                        delivered::get, published.get(), settings.drainIdle().toNanos(), deadline);

        final boolean timedOut = hitDeadline.get() || !allCompleted || System.nanoTime() - deadline >= 0;
        final List<String> notes = new ArrayList<>();
        if (timedOut) {
            notes.add("phase timeout hit after " + attempted.get() + " of " + settings.messages() + " publishes");
        }
        if (failed.get() > 0) {
            notes.add(failed.get() + " publishes failed");
        }
        if (!allDelivered && timedOut) {
            notes.add("subscriber had " + delivered.get() + " of " + published.get() + " when the phase ended");
        } else if (!allDelivered && settings.qos() > 0) {
            notes.add("subscriber missed " + (published.get() - delivered.get()) + " QoS " + settings.qos()
                    + " messages");
        }
        final long publishNanos = published.get() == 0 ? 0 : lastCompletionNanos.get() - start;
        final long deliverNanos = delivered.get() == 0 ? 0 : fixture.lastArrivalNanos() - start;
        return new ThroughputResult(
                settings.qos(),
                timedOut ? PhaseStatus.TIMED_OUT : PhaseStatus.COMPLETED,
                String.join("; ", notes),
                settings.sizeBytes(),
                settings.messages(),
                published.get(),
                failed.get(),
                delivered.get(),
                publishNanos,
                deliverNanos);
    }
}
