/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A send that cannot start (Kafka unreachable) waits in order instead of blocking or failing at once. */
class KafkaSenderTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private static ProducerRecord<byte[], byte[]> record(String key) {
        return new ProducerRecord<>("t", key.getBytes(), key.getBytes());
    }

    @Test
    void recordsWaitWhileKafkaIsAwayAndLeaveInOrder() {
        KafkaSender sender = new KafkaSender(producer, timer, 60_000);
        producer.sendException = new TimeoutException("no metadata");
        CompletableFuture<Void> a = sender.send(record("a"));
        CompletableFuture<Void> b = sender.send(record("b"));
        assertThat(a).isNotDone();
        assertThat(sender.backlog()).isEqualTo(2);

        producer.sendException = null;
        CompletableFuture<Void> c = sender.send(record("c")); // queues behind the backlog, not ahead of it
        await().atMost(Duration.ofSeconds(5)).until(() -> a.isDone() && b.isDone() && c.isDone());
        assertThat(producer.history()).extracting(r -> new String(r.key())).containsExactly("a", "b", "c");
        assertThat(sender.backlog()).isZero();
    }

    @Test
    void recordFailsOnceTheDeliveryTimeoutHasPassed() {
        KafkaSender sender = new KafkaSender(producer, timer, 200);
        producer.sendException = new TimeoutException("no metadata");
        CompletableFuture<Void> a = sender.send(record("a"));
        await().atMost(Duration.ofSeconds(5)).until(a::isDone);
        assertThat(a).isCompletedExceptionally();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void recordTheProducerRefusesFailsAtOnce() {
        KafkaSender sender = new KafkaSender(producer, timer, 60_000);
        producer.sendException = new org.apache.kafka.common.errors.RecordTooLargeException("too big");
        CompletableFuture<Void> a = sender.send(record("a"));
        assertThat(a).isCompletedExceptionally();
        assertThat(sender.backlog()).isZero();
        assertThat(List.of(a)).hasSize(1);
    }
}
