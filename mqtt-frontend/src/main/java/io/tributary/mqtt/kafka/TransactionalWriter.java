/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.ExactlyOnceSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's transactional producer, on a thread of its own: writes handed to {@link #write} are grouped into one
 * Kafka transaction per batch (all that queued while the previous commit ran, up to a maximum), and each write's
 * future completes only once its transaction committed. A write is a group of records that commit together (a
 * QoS 2 message and its session's record). Callers (event loops) never block: the blocking calls of a
 * transaction ({@code beginTransaction}, {@code commitTransaction}) run here.
 *
 * <p>The transactional id is the node's own ({@code prefix + node.id}): a node restarted under the same id fences
 * the process before it, and {@link #fence} lets a node that took over a dead node's sessions fence that node, so a
 * paused zombie can no longer commit and its open transaction is aborted at once.
 */
public final class TransactionalWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalWriter.class);

    private record Write(List<ProducerRecord<byte[], byte[]>> records, CompletableFuture<Void> done) {}

    /** Makes a fresh producer of the same transactional id, its transactions not yet initialised. */
    private final Supplier<Producer<byte[], byte[]>> producers;

    private final String transactionalId;
    private final long lingerMs;
    private final int maxBatch;
    private final long commitDeadlineMs;
    private final LinkedBlockingQueue<Write> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile Throwable fatal;
    /** Only the writer's thread replaces it, after a transaction it could neither commit nor abort. */
    private volatile Producer<byte[], byte[]> producer;
    /** The producer must be replaced before the next transaction (see {@link #abortOrReset}). */
    private boolean replace;
    /** The current producer's {@code initTransactions} has not succeeded yet (Kafka was unreachable). */
    private boolean uninitialised;

    TransactionalWriter(
            Producer<byte[], byte[]> producer,
            Supplier<Producer<byte[], byte[]>> producers,
            String transactionalId,
            long lingerMs,
            int maxBatch,
            long commitDeadlineMs) {
        this.producer = producer;
        this.producers = producers;
        this.transactionalId = transactionalId;
        this.lingerMs = lingerMs;
        this.maxBatch = maxBatch;
        this.commitDeadlineMs = commitDeadlineMs;
        this.thread = new Thread(this::run, "tributary-transactions");
        this.thread.setDaemon(true);
    }

    /**
     * {@code prefix + sessions topic + "-" + node.id}: the node's own id within its Tributary cluster, and the cluster
     * named by its sessions topic, so that two clusters on one Kafka cluster (or nodes that share a node.id but not
     * their topics, as tests do) never fence each other.
     */
    public static String transactionalId(BrokerConfig config) {
        return transactionalId(config, config.nodeId());
    }

    /** The transactional id of node {@code nodeId} of this node's cluster (to fence it when it died). */
    public static String transactionalId(BrokerConfig config, String nodeId) {
        return config.getString(ExactlyOnceSettings.TRANSACTIONAL_ID_PREFIX_CONFIG)
                + config.getString(BrokerConfig.SESSIONS_TOPIC_CONFIG)
                + "-"
                + nodeId;
    }

    /** The node's writer per its settings, or null when qos2.exactly.once is off. Blocking: call it at start. */
    public static @Nullable TransactionalWriter fromConfig(BrokerConfig config, Map<String, Object> producerProps) {
        if (!config.getBoolean(ExactlyOnceSettings.ENABLED_CONFIG)) {
            return null;
        }
        return start(
                producerProps,
                transactionalId(config),
                config.getInt(ExactlyOnceSettings.TIMEOUT_CONFIG),
                config.getInt(ExactlyOnceSettings.LINGER_CONFIG),
                config.getInt(ExactlyOnceSettings.MAX_BATCH_CONFIG),
                config.getInt(BrokerConfig.DELIVERY_TIMEOUT_CONFIG));
    }

    /**
     * Creates the producer from the node's producer settings, fences every earlier producer of the id
     * ({@code initTransactions}, blocking: call it at start) and starts the writer's thread.
     */
    public static TransactionalWriter start(
            Map<String, Object> producerProps,
            String transactionalId,
            int transactionTimeoutMs,
            long lingerMs,
            int maxBatch,
            long deliveryTimeoutMs) {
        Map<String, Object> props = transactionalProps(producerProps, transactionalId, deliveryTimeoutMs);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, transactionTimeoutMs);
        Supplier<Producer<byte[], byte[]>> producers =
                () -> new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        Producer<byte[], byte[]> producer = producers.get();
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw new IllegalStateException(
                    "could not initialise Kafka transactions for transactional id " + transactionalId + " ("
                            + e.getMessage() + "); set qos2.exactly.once=false on a cluster without transactions",
                    e);
        }
        TransactionalWriter writer =
                new TransactionalWriter(producer, producers, transactionalId, lingerMs, maxBatch, deliveryTimeoutMs);
        writer.startThread();
        LOG.info("Transactional writer ready, transactional id {}", transactionalId);
        return writer;
    }

    /**
     * Fences the transactional id of another (dead) node: its open transaction is aborted now rather than at its
     * timeout, and a zombie process of that node can no longer commit. Blocking; call it off the event loops.
     */
    public static void fence(Map<String, Object> producerProps, String transactionalId, long timeoutMs) {
        Map<String, Object> props = transactionalProps(producerProps, transactionalId, timeoutMs);
        try (KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            p.initTransactions();
            LOG.info("Fenced transactional id {} of a node that left", transactionalId);
        } catch (RuntimeException e) {
            LOG.warn("Could not fence transactional id {}: {}", transactionalId, e.toString());
        }
    }

    /**
     * Waits until every transaction that was open on these partitions when this is called is decided (their last
     * stable offset reached the high watermark seen now). A node restarted under its id calls it after
     * {@code initTransactions} aborted its previous incarnation's open transaction, so that reading the sessions
     * topic to its end at start sees every record written before (the tail later skips this node's own records).
     */
    public static void awaitDecided(Admin admin, Map<String, Integer> partitionCounts, Duration timeout) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitionCounts.forEach((topic, n) -> {
            for (int p = 0; p < n; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        });
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        try {
            Map<TopicPartition, ListOffsetsResultInfo> high = admin.listOffsets(
                            latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            while (true) {
                Map<TopicPartition, ListOffsetsResultInfo> stable = admin.listOffsets(
                                latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                        .all()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                boolean decided = high.entrySet().stream()
                        .allMatch(e ->
                                stable.get(e.getKey()).offset() >= e.getValue().offset());
                if (decided || System.currentTimeMillis() >= deadline) {
                    if (!decided) {
                        LOG.warn("Transactions still open on {} after {}", partitionCounts.keySet(), timeout);
                    }
                    return;
                }
                Thread.sleep(50); // at start, before anything is served: the coordinator writes the markers
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not read the offsets of " + partitionCounts.keySet(), e);
        }
    }

    private static Map<String, Object> transactionalProps(
            Map<String, Object> producerProps, String transactionalId, long blockMs) {
        Map<String, Object> props = new HashMap<>(producerProps);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        // This producer runs on its own thread: it may wait for metadata and the coordinator.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, blockMs));
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0); // the commit flushes; records of a batch go out at once
        return props;
    }

    /** Starts the writer's thread; the producer's transactions are initialised already. */
    TransactionalWriter startThread() {
        thread.start();
        return this;
    }

    /** Writes the records in one transaction (with other writes); completes once it committed. Never blocks. */
    public CompletableFuture<Void> write(List<ProducerRecord<byte[], byte[]>> records) {
        Write w = new Write(records, new CompletableFuture<>());
        Throwable dead = fatal;
        if (dead != null || closed) {
            w.done().completeExceptionally(dead != null ? dead : new IllegalStateException("writer closed"));
            return w.done();
        }
        queue.add(w);
        return w.done();
    }

    /** Writes waiting for a transaction. */
    public int queued() {
        return queue.size();
    }

    private void run() {
        List<Write> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) { // at close: what was queued (the final session records) still goes
            try {
                Write first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                if (lingerMs > 0) {
                    Thread.sleep(lingerMs);
                }
                queue.drainTo(batch, maxBatch - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                fail(batch, e);
            }
            batch.clear();
        }
        List<Write> rest = new ArrayList<>();
        queue.drainTo(rest);
        fail(rest, new IllegalStateException("transactional writer closed"));
    }

    /** One transaction for the batch; every write's future completes with its outcome. */
    private void commit(List<Write> batch) {
        boolean begun = false;
        try {
            ensureProducer();
            producer.beginTransaction();
            begun = true;
            for (Write w : batch) {
                for (ProducerRecord<byte[], byte[]> r : w.records()) {
                    producer.send(r);
                }
            }
            commitWithin(System.currentTimeMillis() + commitDeadlineMs);
            for (Write w : batch) {
                w.done().complete(null);
            }
        } catch (ProducerFencedException
                | InvalidProducerEpochException
                | OutOfOrderSequenceException
                | AuthorizationException e) {
            // Another process owns the id now (this node is a zombie), or it is not allowed: nothing more commits.
            fatal = e;
            LOG.error("Transactional writer {} stopped: {}", transactionalId, e.toString());
            fail(batch, e);
        } catch (RuntimeException e) {
            LOG.warn("Transaction of {} writes failed: {}", batch.size(), e.toString());
            if (begun) {
                abortOrReset();
            }
            fail(batch, e);
        }
    }

    /**
     * Before a transaction: a producer that was given up is replaced, and a producer whose transactions are not
     * initialised (Kafka was unreachable) tries again. {@code initTransactions} of the same id resolves what the
     * previous producer left open (Kafka aborts it, or completes a commit it had already decided), so the new
     * producer starts from a known state. Throws while Kafka is still unreachable; the writes of that batch fail.
     */
    private void ensureProducer() {
        if (replace) {
            producer.close(Duration.ZERO);
            producer = producers.get();
            replace = false;
            uninitialised = true;
        }
        if (uninitialised) {
            try {
                producer.initTransactions();
            } catch (TimeoutException e) {
                throw e; // the same producer may retry initTransactions once Kafka answers again
            } catch (RuntimeException e) {
                replace = true;
                throw e;
            }
            uninitialised = false;
            LOG.info("Transactional writer {} recovered: transactions initialised again", transactionalId);
        }
    }

    /**
     * After a failed transaction: abort it, or, when the producer refuses (a {@code commitTransaction} that timed out
     * must be retried, never aborted; an abort that times out leaves the state unknown), give up this producer and
     * start the next transaction with a new one. Never stops the writer: a Kafka outage must not leave a node
     * unable to store sessions once Kafka is back.
     */
    private void abortOrReset() {
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            replace = true;
            LOG.warn(
                    "Transactional writer {} could not abort ({}); a new producer takes over at the next write",
                    transactionalId,
                    e.toString());
        }
    }

    /** A commit that timed out (Kafka unreachable) may be retried; it is resolved by the deadline either way. */
    private void commitWithin(long deadline) {
        while (true) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (System.currentTimeMillis() >= deadline) {
                    throw e;
                }
            }
        }
    }

    private static void fail(List<Write> writes, Throwable e) {
        for (Write w : writes) {
            w.done().completeExceptionally(e);
        }
    }

    /** For a crash test: stops at once, as a killed process would; an open transaction stays open in Kafka. */
    public void crash() {
        closed = true;
        fatal = new IllegalStateException("node crashed");
        producer.close(Duration.ZERO);
        thread.interrupt();
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
