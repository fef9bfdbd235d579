/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Persistent-session backlog: a subscriber with a persistent session subscribes at QoS 1 and goes away; the
 * publishers then get {@code messages} QoS 1 messages PUBACKed for it; the subscriber reconnects (clean start off)
 * and the phase times how fast the waiting messages reach it. Issue 12 compares that drain rate with mosquitto's
 * (mosquitto with {@code max_queued_messages 0}, i.e. an unlimited queue, or it drops the backlog).
 */
public final class BacklogPhase {

    /** Seconds without an arrival before the drain is given up; a node may first have to reach its Kafka. */
    private static final Duration MIN_IDLE = Duration.ofSeconds(10);

    public record Settings(
            MqttTarget target,
            String runId,
            int publishers,
            long messages,
            int sizeBytes,
            int maxInFlightPerPublisher,
            long sessionExpirySeconds,
            Duration drainIdle,
            Duration phaseTimeout) {}

    private BacklogPhase() {}

    public static BacklogResult run(Settings settings) throws Exception {
        final long deadline = System.nanoTime() + settings.phaseTimeout().toNanos();
        final MqttTarget target = settings.target();
        final MqttTarget persistent = target.withSessionExpiry(settings.sessionExpirySeconds());
        final MqttTarget clean = target.withSessionExpiry(0);
        final String subscriberId = "bench-" + settings.runId() + "-backlog-sub";
        final String filter = "bench/" + settings.runId() + "/#";

        final BenchClient away = BenchClient.connect(persistent, subscriberId);
        away.subscribe(filter, 1, payload -> {});
        away.disconnect();

        final PublishLoop.Outcome fill = fill(settings, clean, deadline);
        if (fill.published() == 0) {
            return BacklogResult.failed("no publish was PUBACKed", settings.sizeBytes());
        }

        final AtomicLong delivered = new AtomicLong();
        final AtomicLong lastArrival = new AtomicLong(System.nanoTime());
        final long reconnectStart = System.nanoTime();
        final BenchClient back = BenchClient.resume(persistent, subscriberId, payload -> {
            delivered.incrementAndGet();
            lastArrival.set(System.nanoTime());
        });
        try {
            final long idle = Math.max(settings.drainIdle().toNanos(), MIN_IDLE.toNanos());
            final boolean all = PublishLoop.awaitCount(delivered, lastArrival, fill.published(), idle, deadline);
            final long drainNanos = delivered.get() == 0 ? 0 : lastArrival.get() - reconnectStart;
            final List<String> notes = new ArrayList<>();
            if (fill.timedOut()) {
                notes.add("phase timeout hit while filling: " + fill.published() + " of " + settings.messages());
            }
            if (fill.failed() > 0) {
                notes.add(fill.failed() + " publishes failed");
            }
            if (!all) {
                notes.add("subscriber got " + delivered.get() + " of " + fill.published() + " waiting messages");
            }
            final boolean timedOut = fill.timedOut() || System.nanoTime() - deadline >= 0;
            return new BacklogResult(
                    timedOut ? PhaseStatus.TIMED_OUT : PhaseStatus.COMPLETED,
                    String.join("; ", notes),
                    settings.sizeBytes(),
                    fill.published(),
                    delivered.get(),
                    fill.elapsedNanos(),
                    drainNanos);
        } finally {
            back.disconnect();
        }
    }

    private static PublishLoop.Outcome fill(Settings settings, MqttTarget clean, long deadline) throws Exception {
        final List<BenchClient> publishers = new ArrayList<>();
        final List<String> topics = new ArrayList<>();
        try {
            for (int p = 0; p < settings.publishers(); p++) {
                publishers.add(BenchClient.connect(clean, "bench-" + settings.runId() + "-backlog-pub-" + p));
                topics.add("bench/" + settings.runId() + "/" + p);
            }
            return PublishLoop.run(
                    publishers,
                    topics,
                    settings.messages(),
                    Payloads.filler(settings.sizeBytes()),
                    1,
                    settings.maxInFlightPerPublisher(),
                    deadline);
        } finally {
            publishers.forEach(BenchClient::disconnect);
        }
    }
}
