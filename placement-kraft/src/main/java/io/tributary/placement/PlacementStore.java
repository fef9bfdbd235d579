/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Materialises the placement topic on one node: a reader thread replays the topic from its beginning into
 * {@link PlacementDelta}s and publishes each resulting {@link PlacementImage} to the listeners. The node
 * waits for {@link #awaitReady} — the topic read to the end offsets it had at start — before it serves
 * clients, so it never acts on half the metadata. After that it keeps tailing: a record written by any
 * node or admin reaches every node's listeners within a poll interval.
 *
 * <p>Records are the full state of their key, so the order across keys does not matter and compaction never
 * changes the result. A record that cannot be read (unknown kind, bad JSON) is counted and skipped, never
 * fatal: one bad write must not stop every node of the cluster.
 */
public final class PlacementStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlacementStore.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Map<String, Object> consumerProps;
    private final String topic;
    private final List<PlacementListener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<PlacementImage> ready = new CompletableFuture<>();
    private final ConcurrentSkipListMap<Long, List<CompletableFuture<PlacementImage>>> offsetWaiters =
            new ConcurrentSkipListMap<>();
    private final AtomicLong skippedRecords = new AtomicLong();
    private final Thread reader;
    private volatile PlacementImage image = PlacementImage.EMPTY;
    private volatile boolean closed;
    private KafkaConsumer<byte[], byte[]> consumer;

    /**
     * @param clientProps Kafka client settings (bootstrap servers, security); consumer settings of its own
     *                    are added here
     */
    public PlacementStore(Map<String, Object> clientProps, String topic, String nodeId) {
        this.topic = topic;
        this.consumerProps = new HashMap<>(clientProps);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "tributary-placement-" + nodeId);
        // Metadata changes are rare and small: answer a fetch as soon as there is one, or within 100 ms.
        consumerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.reader = new Thread(this::run, "tributary-placement-reader");
        reader.setDaemon(true);
    }

    /** Registers a listener; call before {@link #start()} to see the initial load as a change too. */
    public void addListener(PlacementListener listener) {
        listeners.add(listener);
    }

    public PlacementStore start() {
        reader.start();
        return this;
    }

    /** Waits until the topic has been read to the end it had at start, and returns that image. */
    public PlacementImage awaitReady(Duration timeout) {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "placement topic " + topic + " not read within " + timeout + ": is Kafka reachable?", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot read placement topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The latest image: the empty image until the initial load is done. */
    public PlacementImage image() {
        return image;
    }

    /** Completes once an image including the record at {@code offset} is published (read your writes). */
    public CompletableFuture<PlacementImage> awaitOffset(long offset) {
        PlacementImage current = image;
        if (current.offset() >= offset && ready.isDone()) {
            return CompletableFuture.completedFuture(current);
        }
        CompletableFuture<PlacementImage> f = new CompletableFuture<>();
        offsetWaiters.computeIfAbsent(offset, o -> new CopyOnWriteArrayList<>()).add(f);
        completeWaiters(); // in case the image moved past offset meanwhile
        return f;
    }

    /** Records skipped because they could not be read. */
    public long skippedRecords() {
        return skippedRecords.get();
    }

    public String topic() {
        return topic;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            if (closed) {
                return;
            }
            List<TopicPartition> partitions = partitions(c);
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, Duration.ofSeconds(60));
            boolean caughtUp = false;
            while (!closed) {
                ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
                PlacementDelta delta = new PlacementDelta(image);
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    replay(delta, r);
                }
                if (!caughtUp) {
                    caughtUp = reachedEnd(c, end);
                    if (!caughtUp) {
                        // Keep accumulating: the initial load is published as one change.
                        image = delta.apply();
                        continue;
                    }
                    publish(delta, true);
                    continue;
                }
                if (!records.isEmpty()) {
                    publish(delta, false);
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                ready.completeExceptionally(e);
            }
        } catch (RuntimeException e) {
            LOG.error("Placement reader of {} stopped: {}", topic, e.toString(), e);
            ready.completeExceptionally(e);
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c) {
        // A topic created a moment ago (PlacementTopic.ensure) may not be in the broker's metadata yet: the
        // consumer then sees no partitions. Ask again for a while before calling it missing.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(60));
        while ((infos == null || infos.isEmpty()) && !closed && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100); // the store's own thread, not an event loop
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            infos = c.partitionsFor(topic, Duration.ofSeconds(60));
        }
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("placement topic " + topic + " does not exist");
        }
        List<TopicPartition> tps = new ArrayList<>();
        for (PartitionInfo p : infos) {
            tps.add(new TopicPartition(topic, p.partition()));
        }
        return tps;
    }

    private void replay(PlacementDelta delta, ConsumerRecord<byte[], byte[]> r) {
        PlacementKey key;
        try {
            key = PlacementKey.parse(r.key());
        } catch (IllegalArgumentException e) {
            key = null;
        }
        if (key == null) {
            skip(delta, r, "key is not kind/name");
            return;
        }
        if (r.value() == null) {
            delta.replay(key, null, r.offset());
            return;
        }
        try {
            delta.replay(key, PlacementCodec.decode(key, r.value()), r.offset());
        } catch (IllegalArgumentException e) {
            skip(delta, r, e.getMessage());
        }
    }

    private void skip(PlacementDelta delta, ConsumerRecord<byte[], byte[]> r, String why) {
        skippedRecords.incrementAndGet();
        LOG.warn("Skipping placement record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), why);
        delta.skip(r.offset());
    }

    /**
     * Publishes the image a delta makes. For the initial load the change is reported against the empty image,
     * so that a listener registered before start sees every entity once.
     */
    private void publish(PlacementDelta delta, boolean first) {
        PlacementImage previous = first ? PlacementImage.EMPTY : image;
        PlacementImage next = delta.apply();
        image = next;
        Set<PlacementKey> changed;
        if (first) {
            Set<PlacementKey> all = new LinkedHashSet<>();
            for (Kind k : Kind.values()) {
                next.all(k).keySet().forEach(n -> all.add(new PlacementKey(k, n)));
            }
            changed = Set.copyOf(all);
            LOG.info("Placement metadata loaded from {}: {}", topic, next);
        } else {
            changed = delta.changed();
        }
        if (first || !changed.isEmpty()) {
            PlacementChange change = new PlacementChange(previous, next, changed);
            for (PlacementListener l : listeners) {
                try {
                    l.onChange(change);
                } catch (RuntimeException e) {
                    LOG.error("Placement listener {} failed on {}: {}", l, changed, e.toString(), e);
                }
            }
        }
        if (first) {
            ready.complete(next);
        }
        completeWaiters();
    }

    private void completeWaiters() {
        if (!ready.isDone()) {
            return;
        }
        PlacementImage current = image;
        var done = offsetWaiters.headMap(current.offset(), true);
        for (var e : done.entrySet()) {
            e.getValue().forEach(f -> f.complete(current));
        }
        done.clear();
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey(), Duration.ofSeconds(60)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        offsetWaiters.values().forEach(l -> l.forEach(f -> f.cancel(false)));
    }
}
