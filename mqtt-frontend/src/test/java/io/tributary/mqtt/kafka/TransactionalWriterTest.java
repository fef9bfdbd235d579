/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Kafka outage fails the transactions it overlaps, and the writer works again once Kafka is back: a commit that
 * timed out cannot be aborted (the Kafka client refuses), so a new producer of the same id takes over.
 */
class TransactionalWriterTest {

    private final Deque<MockProducer<byte[], byte[]>> made = new java.util.concurrent.ConcurrentLinkedDeque<>();
    /** While set, a new producer's initTransactions times out, as it does while Kafka is unreachable. */
    private volatile boolean kafkaAway;

    private TransactionalWriter writer;

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    private static MockProducer<byte[], byte[]> mock() {
        return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private TransactionalWriter start(MockProducer<byte[], byte[]> first) {
        first.initTransactions();
        writer = new TransactionalWriter(
                        first,
                        () -> {
                            MockProducer<byte[], byte[]> p = mock();
                            if (kafkaAway) {
                                p.initTransactionException = new TimeoutException("Kafka unreachable");
                            }
                            made.add(p);
                            return (Producer<byte[], byte[]>) p;
                        },
                        "tx-test",
                        0,
                        100,
                        1_000)
                .startThread();
        return writer;
    }

    private static List<ProducerRecord<byte[], byte[]>> records(String key) {
        return List.of(new ProducerRecord<>("sessions", key.getBytes(), key.getBytes()));
    }

    private static boolean failed(CompletableFuture<Void> f) {
        await().atMost(Duration.ofSeconds(10)).until(f::isDone);
        return f.isCompletedExceptionally();
    }

    @Test
    void aCommitThatTimedOutAndCouldNotBeAbortedHandsOverToANewProducer() {
        MockProducer<byte[], byte[]> first = mock();
        start(first);
        first.commitTransactionException = new TimeoutException("Kafka unreachable");
        first.abortTransactionException =
                new IllegalStateException("the previous call to `commitTransaction` timed out and must be retried");

        assertThat(failed(writer.write(records("during-outage")))).isTrue();

        assertThat(failed(writer.write(records("after-outage")))).isFalse();
        assertThat(made).hasSize(1);
        MockProducer<byte[], byte[]> second = made.getFirst();
        assertThat(first.closed()).isTrue();
        assertThat(second.transactionCommitted()).isTrue();
        assertThat(second.history()).extracting(r -> new String(r.key())).containsExactly("after-outage");
    }

    @Test
    void aNewProducerRetriesInitialisingWhileKafkaIsStillAway() {
        MockProducer<byte[], byte[]> first = mock();
        start(first);
        kafkaAway = true;
        first.commitTransactionException = new TimeoutException("Kafka unreachable");
        first.abortTransactionException = new TimeoutException("Kafka unreachable");
        assertThat(failed(writer.write(records("a")))).isTrue();

        // The replacement's initTransactions times out: the write fails, the writer keeps the producer to retry.
        assertThat(failed(writer.write(records("b")))).isTrue();
        assertThat(made).hasSize(1);
        MockProducer<byte[], byte[]> second = made.getFirst();
        assertThat(second.transactionInitialized()).isFalse();

        second.initTransactionException = null; // Kafka is back
        assertThat(failed(writer.write(records("c")))).isFalse();
        assertThat(made).hasSize(1);
        assertThat(second.history()).extracting(r -> new String(r.key())).containsExactly("c");
    }

    @Test
    void aFencedWriterStopsForGood() {
        MockProducer<byte[], byte[]> first = mock();
        start(first);
        first.fenceProducer();
        assertThat(failed(writer.write(records("a")))).isTrue();
        CompletableFuture<Void> later = writer.write(records("b"));
        assertThat(later).isCompletedExceptionally();
        assertThat(made).isEmpty();
        assertThat(later.handle((v, e) -> e))
                .succeedsWithin(Duration.ofSeconds(1))
                .isInstanceOf(ProducerFencedException.class);
    }
}
