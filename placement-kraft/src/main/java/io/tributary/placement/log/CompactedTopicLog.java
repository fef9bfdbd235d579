/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement.log;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's copy of compacted topics, kept current the way Connect's {@code KafkaBasedLog} does: every partition
 * is read from its beginning to the end it has when reading starts, then followed on a thread of its own.
 * Every record, tombstones included, goes to the callback of its topic, in partition order. Records of a
 * compacted topic are full states of their keys, so a node replays from the beginning every time and needs no
 * consumer group and no committed offsets.
 *
 * <p>Two ways to start. {@link #readToEnd()} reads on the caller's thread (a node that must not serve before
 * it has everything), then {@link #startFollowing()}; or {@link #startFollowing()} alone, which reads to the
 * end on the tail thread first and tells when through its future. Callbacks and hooks run on the thread that
 * reads, one at a time, and must not block. A callback that throws loses that record only (logged): one bad
 * record must not stop every node of a cluster.
 *
 * <p>Hand-written rather than Connect's class because that one lives in connect-runtime, a large dependency
 * for one consumer loop.
 */
public final class CompactedTopicLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompactedTopicLog.class);
    private static final Duration READ_POLL = Duration.ofMillis(200);
    private static final Duration FOLLOW_POLL = Duration.ofMillis(500);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(60);
    /** How long a topic created a moment ago may be missing from the broker's metadata. */
    private static final Duration TOPIC_METADATA_WAIT = Duration.ofSeconds(30);

    private record ReadWaiter(TopicPartition partition, long offset, CompletableFuture<Void> done) {}

    private final Map<String, Object> consumerProps;
    private final String threadName;
    private final Map<String, Consumer<ConsumerRecord<byte[], byte[]>>> callbacks;
    private final CompletableFuture<Void> readToEnd = new CompletableFuture<>();
    /** Next offset to read per partition, updated after the callbacks and hooks of the records before it. */
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();

    private final Queue<ReadWaiter> waiters = new ConcurrentLinkedQueue<>();
    private Runnable onReadToEnd = () -> {};
    private Runnable afterEachBatch = () -> {};
    private volatile @Nullable KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean closed;
    private @Nullable Thread thread;

    /**
     * @param clientProps Kafka client settings (bootstrap servers, security); the consumer settings a tail
     *                    needs are added here
     * @param clientId    the consumer's {@code client.id}, as Kafka's logs and quotas see it
     * @param threadName  the name of the tail thread
     * @param callbacks   the callback of each topic to read; all partitions of each topic are read
     */
    public CompactedTopicLog(
            Map<String, Object> clientProps,
            String clientId,
            String threadName,
            Map<String, Consumer<ConsumerRecord<byte[], byte[]>>> callbacks) {
        this.consumerProps = new HashMap<>(clientProps);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // Compacted topics change rarely and in small records: answer a fetch as soon as there is one.
        consumerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.threadName = threadName;
        this.callbacks = Map.copyOf(callbacks);
    }

    /**
     * Runs once, right after the last record of the initial read went to its callback (also when the topics are
     * empty): a reader that builds an image publishes its first one here. Set before reading starts.
     */
    public void onReadToEnd(Runnable hook) {
        this.onReadToEnd = hook;
    }

    /**
     * Runs after the records of one poll went to their callbacks, while following (not during the initial read,
     * not after a poll that found nothing): a reader that builds an image publishes one change per batch here
     * rather than one per record. Set before reading starts.
     */
    public void afterEachBatch(Runnable hook) {
        this.afterEachBatch = hook;
    }

    /**
     * Seeks every partition to its beginning and reads up to the end offsets it has now, on the caller's thread
     * (blocking; at start, never on an event loop). Then call {@link #startFollowing()}.
     */
    public void readToEnd() {
        if (thread != null || readToEnd.isDone()) {
            throw new IllegalStateException("the log is read to its end once, before following");
        }
        try {
            read();
        } catch (RuntimeException e) {
            readToEnd.completeExceptionally(e);
            throw e;
        }
    }

    /**
     * Starts the tail thread, which follows the topics from where {@link #readToEnd()} stopped, or first reads
     * them to their end when it was not called. The future completes once the initial read is done, or
     * exceptionally when it failed (then the thread has stopped).
     */
    public CompletableFuture<Void> startFollowing() {
        if (thread != null) {
            throw new IllegalStateException("already following");
        }
        Thread t = new Thread(this::run, threadName);
        t.setDaemon(true);
        thread = t;
        t.start();
        return readToEnd.copy();
    }

    /**
     * Completes once the record at {@code offset} of {@code partition} (or any later one) went to its callback
     * and its batch hook ran, and never before the initial read is done: a writer waits here to read its own
     * write. Cancelled by {@link #close()}.
     */
    public CompletableFuture<Void> awaitRead(TopicPartition partition, long offset) {
        ReadWaiter waiter = new ReadWaiter(partition, offset, new CompletableFuture<>());
        waiters.add(waiter);
        completeWaiters(); // in case the tail moved past offset meanwhile
        return waiter.done();
    }

    private void run() {
        try {
            if (!readToEnd.isDone()) {
                read();
            }
            KafkaConsumer<byte[], byte[]> c = openConsumer();
            while (!closed) {
                ConsumerRecords<byte[], byte[]> records = c.poll(FOLLOW_POLL);
                if (!records.isEmpty()) {
                    dispatch(records);
                    runHook(afterEachBatch, "after a batch");
                    for (TopicPartition tp : records.partitions()) {
                        positions.put(tp, c.position(tp, KAFKA_TIMEOUT));
                    }
                }
                if (!waiters.isEmpty()) {
                    // A partition also moves without records for the callbacks (an aborted transaction and its
                    // markers): a waiter for its end must not wait for the next record that happens to come.
                    for (TopicPartition tp : c.assignment()) {
                        positions.put(tp, c.position(tp, KAFKA_TIMEOUT));
                    }
                }
                completeWaiters();
            }
        } catch (WakeupException e) {
            readToEnd.completeExceptionally(e); // closed while reading to the end; no-op after that
        } catch (RuntimeException e) {
            readToEnd.completeExceptionally(e);
            if (!closed) {
                LOG.error(
                        "Tailing {} stopped: this node no longer sees what other nodes write there",
                        callbacks.keySet(),
                        e);
            }
        } finally {
            KafkaConsumer<byte[], byte[]> c = consumer;
            if (c != null) {
                c.close(Duration.ofSeconds(2));
            }
        }
    }

    private void read() {
        KafkaConsumer<byte[], byte[]> c = openConsumer();
        List<TopicPartition> partitions = partitions(c);
        c.assign(partitions);
        c.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = c.endOffsets(partitions, KAFKA_TIMEOUT);
        while (!reachedEnd(c, end)) {
            dispatch(c.poll(READ_POLL));
        }
        runHook(onReadToEnd, "at the end of the initial read");
        for (TopicPartition tp : partitions) {
            positions.put(tp, c.position(tp, KAFKA_TIMEOUT));
        }
        readToEnd.complete(null);
        completeWaiters();
    }

    /** The consumer, made on the first thread that reads, so that a bad setting fails the read, not the caller. */
    private KafkaConsumer<byte[], byte[]> openConsumer() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c == null) {
            c = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer = c;
        }
        if (closed) {
            throw new WakeupException();
        }
        return c;
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : callbacks.keySet()) {
            // A topic created a moment ago may not be in the broker's metadata yet: the consumer then sees no
            // partitions. Ask again for a while before calling it missing.
            long deadline = System.nanoTime() + TOPIC_METADATA_WAIT.toNanos();
            List<PartitionInfo> infos = c.partitionsFor(topic, KAFKA_TIMEOUT);
            while ((infos == null || infos.isEmpty()) && !closed && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(100); // the reading thread, never an event loop
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                infos = c.partitionsFor(topic, KAFKA_TIMEOUT);
            }
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            for (PartitionInfo p : infos) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        return partitions;
    }

    private void dispatch(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                callbacks.get(record.topic()).accept(record);
            } catch (RuntimeException e) {
                LOG.warn(
                        "Skipping record {}-{}@{}: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        e.toString());
            }
        }
    }

    private void runHook(Runnable hook, String when) {
        try {
            hook.run();
        } catch (RuntimeException e) {
            LOG.error("The hook of {} {} failed: {}", callbacks.keySet(), when, e.toString(), e);
        }
    }

    private void completeWaiters() {
        if (!readToEnd.isDone() || readToEnd.isCompletedExceptionally()) {
            return;
        }
        waiters.removeIf(w -> {
            Long position = positions.get(w.partition());
            if (position == null || position <= w.offset()) {
                return false;
            }
            w.done().complete(null);
            return true;
        });
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey(), KAFKA_TIMEOUT) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops the tail thread, which closes the consumer; for a log never followed, closes the consumer here. Not
     * while {@link #readToEnd()} runs on another thread.
     */
    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (t == null) {
            if (c != null) {
                c.close(Duration.ofSeconds(2));
            }
        } else {
            if (c != null) {
                c.wakeup();
            }
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        waiters.forEach(w -> w.done().cancel(false));
        waiters.clear();
    }
}
