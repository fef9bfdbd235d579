/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One subscriber on {@code bench/<run-id>/#} plus N publishers, all connected before the clock
 * starts so connection setup never counts as throughput or latency.
 */
public final class MqttFixture implements AutoCloseable {

    private final String runId;
    private final BenchClient subscriber;
    private final List<BenchClient> publishers;
    /** nanoTime of the latest arrival; drives the idle detection that ends a lossy (QoS 0) drain. */
    private final AtomicLong lastArrivalNanos = new AtomicLong(System.nanoTime());

    private MqttFixture(String runId, BenchClient subscriber, List<BenchClient> publishers) {
        this.runId = runId;
        this.subscriber = subscriber;
        this.publishers = publishers;
    }

    /**
     * Connects and subscribes; on any failure disconnects what was connected and rethrows. With {@code onArrival}
     * null the subscriber connects but subscribes to nothing: the broker only ingests.
     */
    public static MqttFixture open(
            MqttTarget target, String runId, int publisherCount, int qos, @Nullable Consumer<ByteBuffer> onArrival)
            throws Exception {
        return open(target, target, runId, publisherCount, qos, onArrival);
    }

    /**
     * As {@link #open(MqttTarget, String, int, int, Consumer)}, with the subscriber on {@code subscriberTarget}:
     * another node of the same cluster, to measure delivery across nodes.
     */
    public static MqttFixture open(
            MqttTarget target,
            MqttTarget subscriberTarget,
            String runId,
            int publisherCount,
            int qos,
            @Nullable Consumer<ByteBuffer> onArrival)
            throws Exception {
        final List<BenchClient> connected = new ArrayList<>();
        try {
            final BenchClient subscriber = BenchClient.connect(subscriberTarget, "bench-" + runId + "-sub");
            connected.add(subscriber);
            final List<BenchClient> publishers = new ArrayList<>();
            for (int i = 0; i < publisherCount; i++) {
                final BenchClient publisher = BenchClient.connect(target, "bench-" + runId + "-pub-" + i);
                connected.add(publisher);
                publishers.add(publisher);
            }
            final MqttFixture fixture = new MqttFixture(runId, subscriber, List.copyOf(publishers));
            if (onArrival != null) {
                subscriber.subscribe("bench/" + runId + "/#", qos, payload -> {
                    fixture.lastArrivalNanos.set(System.nanoTime());
                    onArrival.accept(payload);
                });
            }
            return fixture;
        } catch (Exception e) {
            connected.forEach(BenchClient::disconnect);
            throw e;
        }
    }

    public BenchClient publisher(int index) {
        return publishers.get(index);
    }

    public int publisherCount() {
        return publishers.size();
    }

    /** The topic publisher {@code index} writes to: {@code bench/<run-id>/<index>}. */
    public String topicOf(int index) {
        return "bench/" + runId + "/" + index;
    }

    public long lastArrivalNanos() {
        return lastArrivalNanos.get();
    }

    /**
     * Waits until {@code delivered} reaches {@code expected}, or nothing has arrived for
     * {@code idleNanos} (messages lost at QoS 0 never come), or the phase deadline passes.
     *
     * @return true when every expected message arrived
     */
    public boolean awaitDrain(LongSupplier delivered, long expected, long idleNanos, long deadline) {
        final long drainStart = System.nanoTime();
        while (delivered.getAsLong() < expected) {
            final long now = System.nanoTime();
            final long quietSince = Math.max(lastArrivalNanos.get(), drainStart);
            if (now - deadline >= 0 || now - quietSince >= idleNanos) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        return true;
    }

    @Override
    public void close() {
        publishers.forEach(BenchClient::disconnect);
        subscriber.disconnect();
    }
}
