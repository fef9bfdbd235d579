/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fan-out: many subscribers of one topic, each on its own connection, and one publisher sending {@code messages}
 * as fast as the broker takes them; the figure is deliveries per second over all subscribers. Subscribers connect
 * a few at a time before the clock starts, so connection setup is not part of the rate. One process holds them all:
 * 1,000 connections stay far below the 20,000 open files one process may have here.
 */
public final class FanOutPhase {

    /** Connects at once; enough to hide the round trips without a CONNECT storm on two cores. */
    private static final int CONNECTS_AT_ONCE = 16;

    public record Settings(
            MqttTarget target,
            String runId,
            int qos,
            int subscribers,
            long messages,
            int sizeBytes,
            int maxInFlight,
            Duration drainIdle,
            Duration phaseTimeout) {}

    private FanOutPhase() {}

    public static FanOutResult run(Settings settings) throws Exception {
        final long deadline = System.nanoTime() + settings.phaseTimeout().toNanos();
        final String topic = "bench/" + settings.runId() + "/fan";
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong lastArrival = new AtomicLong(System.nanoTime());
        final List<BenchClient> subscribers = Collections.synchronizedList(new ArrayList<>());
        final ExecutorService connector = Executors.newFixedThreadPool(CONNECTS_AT_ONCE, runnable -> {
            final Thread thread = new Thread(runnable, "bench-fanout-connect");
            thread.setDaemon(true);
            return thread;
        });
        BenchClient publisher = null;
        try {
            final long connectStart = System.nanoTime();
            final List<Future<?>> connects = new ArrayList<>();
            for (int s = 0; s < settings.subscribers(); s++) {
                final String id = "bench-" + settings.runId() + "-fan-sub-" + s;
                connects.add(connector.submit(() -> {
                    final BenchClient client = BenchClient.connect(settings.target(), id);
                    subscribers.add(client);
                    client.subscribe(topic, settings.qos(), payload -> {
                        delivered.incrementAndGet();
                        lastArrival.set(System.nanoTime());
                    });
                    return null;
                }));
            }
            for (Future<?> connect : connects) {
                connect.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            final long connectNanos = System.nanoTime() - connectStart;
            publisher = BenchClient.connect(settings.target(), "bench-" + settings.runId() + "-fan-pub");
            final PublishLoop.Outcome sent = PublishLoop.run(
                    List.of(publisher),
                    List.of(topic),
                    settings.messages(),
                    Payloads.filler(settings.sizeBytes()),
                    settings.qos(),
                    settings.maxInFlight(),
                    deadline);
            final long expected = sent.published() * settings.subscribers();
            final boolean all = PublishLoop.awaitCount(
                    delivered, lastArrival, expected, settings.drainIdle().toNanos(), deadline);
            return result(settings, sent, delivered.get(), lastArrival.get(), connectNanos, all, deadline);
        } catch (Exception e) {
            return FanOutResult.failed(
                    String.valueOf(e.getMessage()), settings.qos(), settings.sizeBytes(), settings.subscribers());
        } finally {
            if (publisher != null) {
                publisher.disconnect();
            }
            for (BenchClient subscriber : List.copyOf(subscribers)) {
                connector.submit(subscriber::disconnect);
            }
            connector.shutdown();
            connector.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    private static FanOutResult result(
            Settings settings,
            PublishLoop.Outcome sent,
            long delivered,
            long lastArrival,
            long connectNanos,
            boolean all,
            long deadline) {
        final List<String> notes = new ArrayList<>();
        if (sent.timedOut()) {
            notes.add("phase timeout hit after " + sent.published() + " of " + settings.messages() + " publishes");
        }
        if (sent.failed() > 0) {
            notes.add(sent.failed() + " publishes failed");
        }
        if (!all) {
            notes.add((sent.published() * settings.subscribers() - delivered) + " deliveries missing");
        }
        final boolean timedOut = sent.timedOut() || System.nanoTime() - deadline >= 0;
        return new FanOutResult(
                timedOut ? PhaseStatus.TIMED_OUT : PhaseStatus.COMPLETED,
                String.join("; ", notes),
                settings.qos(),
                settings.sizeBytes(),
                settings.subscribers(),
                sent.published(),
                delivered,
                sent.elapsedNanos(),
                delivered == 0 ? 0 : lastArrival - sent.startNanos(),
                connectNanos);
    }
}
