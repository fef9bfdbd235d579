/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import io.tributary.placement.DurationText;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * The node's one way to write to Kafka without ever blocking the calling thread (an event loop, mostly).
 * The producer runs with {@code max.block.ms=0}, so {@code send} fails at once instead of waiting when
 * Kafka is unreachable and the topic's metadata is gone. Such records are not failed: they wait in a FIFO
 * backlog that a timer retries until Kafka is back or {@code kafka.delivery.timeout.ms} has passed. While the
 * backlog is not empty every new record queues behind it, so records of one MQTT topic keep their order.
 * The backlog is bounded by the publish flow control, which pauses publishers while bytes wait here.
 */
public final class KafkaSender {

    private static final long RETRY_MS = 50;

    /**
     * A record to send, the future it completes, and the callback of its current {@code send} call: one object per
     * record (the future aside), since the producer's callbacks run on its one I/O thread, which bounds QoS 1 ingest.
     */
    private static final class Pending<T> implements Callback {
        final ProducerRecord<byte[], byte[]> record;
        final CompletableFuture<T> done;
        final Function<RecordMetadata, T> result;
        final long deadline;
        volatile boolean insideSend;
        boolean refused;

        Pending(
                ProducerRecord<byte[], byte[]> record,
                CompletableFuture<T> done,
                Function<RecordMetadata, T> result,
                long deadline) {
            this.record = record;
            this.done = done;
            this.result = result;
            this.deadline = deadline;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception e) {
            if (e instanceof TimeoutException && insideSend) {
                refused = true; // reported from inside send(): not taken, stays in the backlog
            } else if (e != null) {
                done.completeExceptionally(e);
            } else {
                done.complete(result.apply(metadata));
            }
        }
    }

    private static final Function<RecordMetadata, Void> NOTHING = m -> null;

    private final Producer<byte[], byte[]> producer;
    private final ScheduledExecutorService timer;
    private final long deliveryTimeoutMs;
    private final ArrayDeque<Pending<?>> backlog = new ArrayDeque<>();
    private boolean retryScheduled;

    public KafkaSender(Producer<byte[], byte[]> producer, ScheduledExecutorService timer, long deliveryTimeoutMs) {
        this.producer = producer;
        this.timer = timer;
        this.deliveryTimeoutMs = deliveryTimeoutMs;
    }

    /** Completes when Kafka acknowledged the record, exceptionally when it could not be written in time. */
    public CompletableFuture<Void> send(ProducerRecord<byte[], byte[]> record) {
        return enqueue(record, NOTHING);
    }

    /** As {@link #send}, with the partition and offset Kafka gave the record (stores order updates by them). */
    public CompletableFuture<RecordMetadata> sendForMetadata(ProducerRecord<byte[], byte[]> record) {
        return enqueue(record, Function.identity());
    }

    private <T> CompletableFuture<T> enqueue(
            ProducerRecord<byte[], byte[]> record, Function<RecordMetadata, T> result) {
        Pending<T> p = new Pending<>(
                record, new CompletableFuture<>(), result, System.currentTimeMillis() + deliveryTimeoutMs);
        synchronized (backlog) {
            if (!backlog.isEmpty() || !trySend(p)) {
                backlog.add(p);
                scheduleRetry();
            }
        }
        return p.done;
    }

    /**
     * False when the producer could not take the record now (no metadata, no buffer space). The producer
     * reports that either by throwing or, for its own API exceptions, by calling the callback before
     * {@code send} returns; a TimeoutException seen while still inside {@code send} means "not taken".
     */
    private boolean trySend(Pending<?> p) {
        p.refused = false;
        p.insideSend = true;
        try {
            producer.send(p.record, p);
        } catch (TimeoutException e) {
            p.refused = true;
        } catch (RuntimeException e) {
            p.done.completeExceptionally(e); // e.g. a record larger than the producer accepts
        } finally {
            p.insideSend = false;
        }
        return !p.refused;
    }

    private void scheduleRetry() {
        if (!retryScheduled) {
            retryScheduled = true;
            timer.schedule(this::retry, RETRY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void retry() {
        synchronized (backlog) {
            retryScheduled = false;
            long now = System.currentTimeMillis();
            while (!backlog.isEmpty()) {
                Pending<?> p = backlog.peek();
                if (now >= p.deadline) {
                    backlog.poll();
                    p.done.completeExceptionally(new TimeoutException("Kafka did not take the record to "
                            + p.record.topic() + " within " + DurationText.ofMillis(deliveryTimeoutMs)));
                    continue;
                }
                if (!trySend(p)) {
                    break;
                }
                backlog.poll();
            }
            if (!backlog.isEmpty()) {
                scheduleRetry();
            }
        }
    }

    /** Records waiting for Kafka to become reachable. */
    public int backlog() {
        synchronized (backlog) {
            return backlog.size();
        }
    }
}
