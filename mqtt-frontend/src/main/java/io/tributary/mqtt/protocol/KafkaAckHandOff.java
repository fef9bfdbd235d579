/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.PlatformDependent;
import io.tributary.mqtt.publish.AckSequencer;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Brings the producer's completions of one connection's records back to its event loop, a batch at a time. Kafka
 * acknowledges a produce request's records together, on the producer's one I/O thread: one event-loop task per
 * batch rather than one per record means one wake-up, and one write of all the PUBACKs the batch releases.
 */
final class KafkaAckHandOff {

    /** A record Kafka acknowledged (error null) or failed; {@code slot} null for QoS 0. */
    record Completion(
            AckSequencer.@Nullable Slot slot,
            long receivedNanos,
            @Nullable Throwable error) {}

    // Chunks of 64 grow only with what is waiting: a connection that publishes little keeps one small chunk.
    private final Queue<Completion> completions = PlatformDependent.newMpscQueue(64, 1 << 30);
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final EventExecutor loop;
    private final Consumer<Completion> each;
    private final Runnable afterBatch;

    /** {@code each} runs on {@code loop} for every completion in order, then {@code afterBatch} once per batch. */
    KafkaAckHandOff(EventExecutor loop, Consumer<Completion> each, Runnable afterBatch) {
        this.loop = loop;
        this.each = each;
        this.afterBatch = afterBatch;
    }

    /** Any thread (the producer's I/O thread, mostly). */
    void completed(AckSequencer.@Nullable Slot slot, long receivedNanos, @Nullable Throwable error) {
        completions.offer(new Completion(slot, receivedNanos, error));
        if (drainScheduled.compareAndSet(false, true)) {
            loop.execute(this::drain);
        }
    }

    private void drain() {
        // Cleared before polling: a completion offered after the last poll schedules the next drain itself.
        drainScheduled.set(false);
        Completion c;
        while ((c = completions.poll()) != null) {
            each.accept(c);
        }
        afterBatch.run();
    }
}
