/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Step 4: publish at a fixed rate, stamp each payload with System.nanoTime(), and let the
 * subscriber (same JVM, same clock) record publish → delivery latency. Only messages scheduled
 * after the warm-up are recorded, so JIT compilation and connection ramp-up stay out of the figures.
 */
public final class LatencyPhase {

    public record Settings(
            MqttTarget target,
            String runId,
            int qos,
            int publishers,
            int sizeBytes,
            double rate,
            Duration warmup,
            Duration duration,
            int maxInFlight,
            Duration drainIdle,
            Duration phaseTimeout,
            MqttTarget subscriberTarget) {

        /** The subscriber on the publishers' node. */
        public Settings(
                MqttTarget target,
                String runId,
                int qos,
                int publishers,
                int sizeBytes,
                double rate,
                Duration warmup,
                Duration duration,
                int maxInFlight,
                Duration drainIdle,
                Duration phaseTimeout) {
            this(
                    target,
                    runId,
                    qos,
                    publishers,
                    sizeBytes,
                    rate,
                    warmup,
                    duration,
                    maxInFlight,
                    drainIdle,
                    phaseTimeout,
                    target);
        }
    }

    private LatencyPhase() {}

    public static LatencyResult run(Settings settings) throws Exception {
        final long deadline = System.nanoTime() + settings.phaseTimeout().toNanos();
        final Recorders recorders = new Recorders();
        try (MqttFixture fixture = MqttFixture.open(
                settings.target(),
                settings.subscriberTarget(),
                settings.runId(),
                settings.publishers(),
                settings.qos(),
                recorders::onArrival)) {
            return measure(settings, fixture, recorders, deadline);
        }
    }

    /** Receives arrivals on the client's I/O threads; the Recorders are wait-free for writers. */
    private static final class Recorders {
        final Recorder fromSend = newRecorder();
        final Recorder fromSchedule = newRecorder();
        final AtomicLong deliveredMeasured = new AtomicLong();
        /** Set before the first send; arrivals scheduled earlier are warm-up and ignored. */
        volatile long measureStartNanos = Long.MAX_VALUE;

        void onArrival(ByteBuffer payload) {
            final long now = System.nanoTime();
            if (!Payloads.isStamped(payload)) {
                return;
            }
            final long scheduled = Payloads.scheduledNanos(payload);
            if (scheduled - measureStartNanos < 0) {
                return;
            }
            fromSend.recordValue(LatencySummary.clampNanos(now - Payloads.sendNanos(payload)));
            fromSchedule.recordValue(LatencySummary.clampNanos(now - scheduled));
            deliveredMeasured.incrementAndGet();
        }

        private static Recorder newRecorder() {
            return new Recorder(LatencySummary.HIGHEST_TRACKABLE_NANOS, LatencySummary.SIGNIFICANT_DIGITS);
        }
    }

    private static LatencyResult measure(Settings settings, MqttFixture fixture, Recorders recorders, long deadline)
            throws InterruptedException {
        final byte[] filler = Payloads.filler(Math.max(settings.sizeBytes(), Payloads.TIMESTAMP_BYTES));
        final Semaphore inFlight = new Semaphore(settings.maxInFlight());
        final AtomicLong failedMeasured = new AtomicLong();
        final int publishers = fixture.publisherCount();
        final String[] topics = new String[publishers];
        for (int p = 0; p < publishers; p++) {
            topics[p] = fixture.topicOf(p);
        }

        // Start a little in the future so deadline 0 is not already late when the loop begins.
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        final PacingSchedule schedule = new PacingSchedule(start, settings.rate());
        final long measureStart = start + settings.warmup().toNanos();
        recorders.measureStartNanos = measureStart;
        final long total = schedule.messagesWithin(
                settings.warmup().plus(settings.duration()).toNanos());

        long sentMeasured = 0;
        long maxLagNanos = 0;
        long lastSendNanos = measureStart;
        boolean timedOut = false;
        for (long i = 0; i < total; i++) {
            final long due = schedule.deadlineNanos(i);
            PacingSchedule.awaitDeadline(due);
            final long remaining = deadline - System.nanoTime();
            // A full window means the broker is not keeping up: waiting here is the back-pressure, and
            // the schedule-based latency charges the wait to the broker as it should.
            if (remaining <= 0 || !inFlight.tryAcquire(remaining, TimeUnit.NANOSECONDS)) {
                timedOut = true;
                break;
            }
            final long now = System.nanoTime();
            final boolean measured = due - measureStart >= 0;
            final int publisher = (int) (i % publishers);
            fixture.publisher(publisher)
                    .publish(topics[publisher], Payloads.stamped(filler, now, due), settings.qos())
                    .whenComplete((ignored, error) -> {
                        inFlight.release();
                        if (error != null && measured) {
                            failedMeasured.incrementAndGet();
                        }
                    });
            if (measured) {
                sentMeasured++;
                maxLagNanos = Math.max(maxLagNanos, now - due);
                lastSendNanos = now;
            }
        }
        final boolean allDelivered = fixture.awaitDrain(
                recorders.deliveredMeasured::get,
                sentMeasured - failedMeasured.get(),
                settings.drainIdle().toNanos(),
                deadline);

        final List<String> notes = new ArrayList<>();
        if (timedOut) {
            notes.add("phase timeout hit while publishing");
        }
        if (failedMeasured.get() > 0) {
            notes.add(failedMeasured.get() + " publishes failed");
        }
        if (!allDelivered) {
            notes.add((sentMeasured - recorders.deliveredMeasured.get()) + " messages not delivered");
        }
        if (settings.sizeBytes() < Payloads.TIMESTAMP_BYTES) {
            notes.add("payload raised to " + Payloads.TIMESTAMP_BYTES + " bytes to carry timestamps");
        }
        // Measured span ends one interval after the last send, so an on-schedule run reads as the rate.
        final long measuredNanos =
                sentMeasured == 0 ? 0 : lastSendNanos - measureStart + Math.round(schedule.intervalNanos());
        return new LatencyResult(
                timedOut ? PhaseStatus.TIMED_OUT : PhaseStatus.COMPLETED,
                String.join("; ", notes),
                settings.qos(),
                settings.rate(),
                sentMeasured,
                recorders.deliveredMeasured.get(),
                measuredNanos,
                maxLagNanos,
                LatencySummary.of(recorders.fromSend.getIntervalHistogram()),
                LatencySummary.of(recorders.fromSchedule.getIntervalHistogram()));
    }
}
