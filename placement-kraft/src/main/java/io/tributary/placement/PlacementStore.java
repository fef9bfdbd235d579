/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

import io.tributary.placement.log.CompactedTopicLog;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Materialises the placement topic on one node: a {@link CompactedTopicLog} replays the topic from its
 * beginning, on its own thread, into {@link PlacementDelta}s, and this store publishes each resulting
 * {@link PlacementImage} to the listeners. The node waits for {@link #awaitReady} — the topic read to the end
 * offsets it had at start — before it serves clients, so it never acts on half the metadata. After that the
 * log keeps following: a record written by any node or admin reaches every node's listeners within a poll
 * interval, one change per batch of records read.
 *
 * <p>Records are the full state of their key, so the order across keys does not matter and compaction never
 * changes the result. A record that cannot be read (unknown kind, bad JSON) is counted and skipped, never
 * fatal: one bad write must not stop every node of the cluster.
 */
public final class PlacementStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlacementStore.class);

    private final String topic;
    private final CompactedTopicLog log;
    private final List<PlacementListener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<PlacementImage> ready = new CompletableFuture<>();
    private final AtomicLong skippedRecords = new AtomicLong();
    private volatile PlacementImage image = PlacementImage.EMPTY;
    /** The records read since the last published image; the log's thread only. */
    private @Nullable PlacementDelta pending;

    /**
     * @param clientProps Kafka client settings (bootstrap servers, security); consumer settings of its own
     *                    are added by the log
     */
    public PlacementStore(Map<String, Object> clientProps, String topic, String nodeId) {
        this.topic = topic;
        this.log = new CompactedTopicLog(
                clientProps,
                "tributary-placement-" + nodeId,
                "tributary-placement-reader",
                Map.of(topic, this::onRecord));
        log.onReadToEnd(this::publishInitialLoad);
        log.afterEachBatch(this::publishBatch);
    }

    /** Registers a listener; call before {@link #start()} to see the initial load as a change too. */
    public void addListener(PlacementListener listener) {
        listeners.add(listener);
    }

    /** Starts reading the topic on the log's thread; {@link #awaitReady} tells when it is read to its end. */
    public PlacementStore start() {
        log.startFollowing().whenComplete((loaded, e) -> {
            if (e != null) {
                ready.completeExceptionally(
                        e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            }
        });
        return this;
    }

    /** Waits until the topic has been read to the end it had at start, and returns that image. */
    public PlacementImage awaitReady(Duration timeout) {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "placement topic " + topic + " not read within " + DurationText.of(timeout)
                            + ": is Kafka reachable?",
                    e);
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

    /**
     * Completes once an image including the record at {@code offset} is published (read your writes). The
     * placement topic has one partition ({@link PlacementTopic}).
     */
    public CompletableFuture<PlacementImage> awaitOffset(long offset) {
        return log.awaitRead(new TopicPartition(topic, 0), offset).thenApply(read -> image);
    }

    /** Records skipped because they could not be read. */
    public long skippedRecords() {
        return skippedRecords.get();
    }

    public String topic() {
        return topic;
    }

    /** The log's callback for each record: replays it into the pending delta. */
    private void onRecord(ConsumerRecord<byte[], byte[]> r) {
        PlacementDelta delta = pending;
        if (delta == null) {
            delta = new PlacementDelta(image);
            pending = delta;
        }
        replay(delta, r);
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

    /** The whole topic as of start, published as one change, so the listeners see every entity once. */
    private void publishInitialLoad() {
        PlacementDelta delta = pending == null ? new PlacementDelta(image) : pending;
        pending = null;
        publish(delta, true);
    }

    private void publishBatch() {
        PlacementDelta delta = pending;
        pending = null;
        if (delta != null) {
            publish(delta, false);
        }
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
    }

    @Override
    public void close() {
        log.close();
    }
}
