/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import io.tributary.mqtt.delivery.Delivery;
import io.tributary.mqtt.delivery.LiveDemand;
import io.tributary.mqtt.delivery.LiveShards;
import io.tributary.mqtt.delivery.Matches;
import io.tributary.mqtt.delivery.Outbox;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.topic.TopicName;
import io.tributary.record.MqttHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the message shards from their ends, matches each record against the node's subscriptions and hands
 * it to the outboxes of the matching sessions. One thread, one consumer, no consumer group: positions are
 * the node's own business.
 *
 * <p>It reads only the Kafka topics some connected subscription may receive from ({@link ReaderDemand}): every
 * shard is assigned, and the shards of the others are paused, so a node whose clients subscribe to nothing
 * fetches nothing. A paused shard that a subscription needs has {@link #claimed} "everything": a replay of it (a
 * resumed session) never hands over to live delivery before the reader reads it live. A shard is resumed from its
 * end, and the subscription that needs it is acknowledged after that.
 */
public final class ShardReader implements LiveShards, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardReader.class);

    private static final class Position {
        /** Whether the shard is read (not paused). Set after the positions it guards. */
        volatile boolean reading = true;

        volatile long claimed;
        volatile long dispatched;
        /** Records behind the shard's end, as of the last fetch response. */
        volatile long lag;
    }

    private final Consumer<byte[], byte[]> consumer;
    private final TopicRouter router;
    private final SubscriberRegistry subscribers;
    private final CatchUpReader catchUp;
    private final int defaultQos;
    private final UndeliverableRecords undeliverable;
    private final BrokerMetrics metrics;
    private final ReaderDemand demand;
    private final Map<TopicPartition, Position> positions = new ConcurrentHashMap<>();
    private volatile List<TopicPartition> shards;
    /** Shards to add, handed from the metadata thread to the reader thread (which owns the consumer). */
    private final ConcurrentLinkedQueue<PendingShards> pending = new ConcurrentLinkedQueue<>();

    private record PendingShards(List<TopicPartition> shards, CompletableFuture<Void> done) {}

    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lag;

    public ShardReader(
            Consumer<byte[], byte[]> consumer,
            List<TopicPartition> shards,
            TopicRouter router,
            SubscriberRegistry subscribers,
            CatchUpReader catchUp,
            int defaultQos,
            BrokerMetrics metrics,
            Duration readyTimeout) {
        this.consumer = consumer;
        this.demand = new ReaderDemand(router, readyTimeout);
        this.shards = List.copyOf(shards);
        this.router = router;
        this.subscribers = subscribers;
        this.catchUp = catchUp;
        this.defaultQos = defaultQos;
        this.undeliverable = new UndeliverableRecords(metrics.recordsWithoutTopic());
        this.metrics = metrics;
        consumer.assign(shards);
        consumer.seekToEnd(shards);
        for (TopicPartition tp : shards) {
            Position p = new Position();
            p.claimed = p.dispatched = consumer.position(tp, Duration.ofSeconds(60));
            p.reading = false; // until a subscription needs it
            positions.put(tp, p);
        }
        consumer.pause(shards);
        this.thread = new Thread(this::run, "tributary-shard-reader");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** What the node's subscriptions need of this reader; the subscriber registry counts into it. */
    public LiveDemand demand() {
        return demand;
    }

    /** The shards this node may read: those of the topics at start plus any added since (paused ones too). */
    @Override
    public List<TopicPartition> shards() {
        return shards;
    }

    /**
     * Starts reading more shards (the partitions of a topic a new mapping rule names), from their current end:
     * records written to them once the returned future is complete reach live subscribers. Sessions that are
     * connected pick the new shards up on their first record; resumed sessions start them live.
     */
    public CompletableFuture<Void> addShards(Collection<TopicPartition> more) {
        var done = new CompletableFuture<Void>();
        // No wakeup(): it could interrupt the reader inside assignPending. The next poll is at most 100 ms away.
        pending.add(new PendingShards(List.copyOf(more), done));
        return done;
    }

    /**
     * Before mapping rules change: completes once every shard is read from its end (or was read already), so that
     * whatever topics the new rules route a subscription's messages to, they reach it. {@link #rulesApplied} then
     * lets the reader pause what the subscriptions do not need under the rules in force.
     */
    public CompletableFuture<Void> readEverything() {
        Set<String> topics = new java.util.HashSet<>();
        shards.forEach(tp -> topics.add(tp.topic()));
        return demand.readEverything(topics);
    }

    /** The router's mapping rules are in force (or were not changed): back to reading what subscriptions need. */
    public void rulesApplied() {
        demand.rulesChanged();
    }

    private void assignPending() {
        PendingShards p;
        while ((p = pending.poll()) != null) {
            try {
                List<TopicPartition> added = new ArrayList<>();
                for (TopicPartition tp : p.shards()) {
                    if (!positions.containsKey(tp)) {
                        added.add(tp);
                    }
                }
                if (!added.isEmpty()) {
                    List<TopicPartition> all = new ArrayList<>(shards);
                    all.addAll(added);
                    consumer.assign(all);
                    consumer.seekToEnd(added);
                    for (TopicPartition tp : added) {
                        Position pos = new Position();
                        pos.claimed = pos.dispatched = consumer.position(tp, Duration.ofSeconds(60));
                        positions.put(tp, pos);
                    }
                    shards = List.copyOf(all);
                    LOG.info("Shard reader now has {} shards (added {})", all.size(), added);
                    // Read from their ends until the rules that name them are in force (see readEverything).
                    added.forEach(tp -> demand.adopted(tp.topic()));
                }
                p.done().complete(null);
            } catch (RuntimeException e) {
                p.done().completeExceptionally(e);
            }
        }
    }

    @Override
    public long claimed(TopicPartition shard) {
        Position p = positions.get(shard);
        if (p == null) {
            return 0;
        }
        // A shard a subscription waits for is "claimed to the end" until it is read: a replay of it must not hand
        // over to live delivery before the reader reads it. One nothing needs hands over where the reader paused.
        return p.reading || !demand.wanted(shard.topic()) ? p.claimed : Long.MAX_VALUE;
    }

    @Override
    public long dispatched(TopicPartition shard) {
        Position p = positions.get(shard);
        return p == null ? 0 : p.dispatched;
    }

    private void run() {
        Map<SubscriberRegistry.Subscriber, Matches> matches = new IdentityHashMap<>();
        Set<Outbox> touched = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        while (running) {
            ConsumerRecords<byte[], byte[]> records;
            try {
                assignPending();
                followDemand();
                records = consumer.poll(Duration.ofMillis(100));
            } catch (WakeupException e) {
                continue;
            } catch (RuntimeException e) {
                LOG.warn("Shard reader poll failed, retrying: {}", e.toString());
                continue;
            }
            for (TopicPartition tp : records.partitions()) {
                Position pos = positions.get(tp);
                List<ConsumerRecord<byte[], byte[]>> batch = records.records(tp);
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    pos.claimed = record.offset() + 1;
                    dispatch(tp, record, matches, touched);
                }
                pos.dispatched = batch.get(batch.size() - 1).offset() + 1;
            }
            for (Outbox outbox : touched) {
                outbox.scheduleDrain();
            }
            touched.clear();
            lag = currentLag();
        }
        consumer.close(Duration.ofSeconds(5));
    }

    /** Pauses and resumes shards as the subscriptions' demand moved since the last turn. */
    private void followDemand() {
        if (!demand.takeChanged()) {
            return;
        }
        Set<String> topics = new java.util.HashSet<>();
        shards.forEach(tp -> topics.add(tp.topic()));
        ReaderDemand.Plan plan = demand.plan(topics);
        List<TopicPartition> pause = shardsOf(plan.pause());
        if (!pause.isEmpty()) {
            consumer.pause(pause);
            for (TopicPartition tp : pause) {
                Position p = positions.get(tp);
                p.reading = false;
                p.lag = 0;
            }
        }
        List<TopicPartition> resume = shardsOf(plan.resume());
        if (!resume.isEmpty()) {
            try {
                consumer.seekToEnd(resume);
                for (TopicPartition tp : resume) {
                    Position p = positions.get(tp);
                    p.claimed = p.dispatched = consumer.position(tp, Duration.ofSeconds(10));
                    p.reading = true;
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not start reading {}, retrying: {}", plan.resume(), e.toString());
                demand.retry();
                return; // the plan's topics stay out of the read set; the next turn resumes them again
            }
            consumer.resume(resume);
            demand.resumed(plan.resume());
        }
        if (!pause.isEmpty() || !resume.isEmpty()) {
            LOG.info(
                    "Live reader reads {} of {} shards (subscriptions changed)",
                    shards.size() - paused(),
                    shards.size());
        }
    }

    private List<TopicPartition> shardsOf(Set<String> topics) {
        List<TopicPartition> result = new ArrayList<>();
        for (TopicPartition tp : shards) {
            if (topics.contains(tp.topic())) {
                result.add(tp);
            }
        }
        return result;
    }

    private int paused() {
        int n = 0;
        for (Position p : positions.values()) {
            n += p.reading ? 0 : 1;
        }
        return n;
    }

    /** The shards read now (not paused), for the node's statistics. */
    public int shardsRead() {
        return shards.size() - paused();
    }

    /** Records behind the shards' ends, as of the last fetch responses (no request to Kafka). */
    private long currentLag() {
        long sum = 0;
        for (TopicPartition tp : shards) {
            Position read = positions.get(tp);
            if (read == null || !read.reading) {
                continue;
            }
            java.util.OptionalLong l = consumer.currentLag(tp);
            if (l.isPresent()) {
                sum += l.getAsLong();
                Position p = positions.get(tp);
                if (p != null) {
                    p.lag = l.getAsLong();
                }
            }
        }
        return sum;
    }

    /** Sum over the shards of end offset minus the reader's position ($SYS kafka/lag). */
    public long lag() {
        return lag;
    }

    /** Records of {@code shard} behind its end, as of the last fetch response; 0 for a shard not read. */
    public long lag(TopicPartition shard) {
        Position p = positions.get(shard);
        return p == null ? 0 : p.lag;
    }

    private void dispatch(
            TopicPartition tp,
            ConsumerRecord<byte[], byte[]> record,
            Map<SubscriberRegistry.Subscriber, Matches> matches,
            Set<Outbox> touched) {
        Message message = decode(tp.topic(), record, router, defaultQos);
        if (message == null) {
            undeliverable.drop(record, router); // counted and logged here only: catch-up reads the same records
            return;
        }
        subscribers.match(
                TopicName.levels(message.topic()),
                (s, sub) -> matches.computeIfAbsent(s, k -> new Matches()).add(sub, message, s));
        if (matches.isEmpty()) {
            return;
        }
        metrics.dispatched(record.timestamp());
        for (Map.Entry<SubscriberRegistry.Subscriber, Matches> e : matches.entrySet()) {
            Delivery d = e.getValue().toDelivery(message, tp, record.offset());
            if (d == null) {
                continue;
            }
            Outbox outbox = e.getKey().outbox();
            switch (outbox.offerLive(d)) {
                case QUEUED -> touched.add(outbox);
                case NEEDS_CATCH_UP -> catchUp.schedule(e.getKey());
                default -> {}
            }
        }
        matches.clear();
    }

    /** Decodes a message record by the contract of docs/kafka-layout.md; null when it names no valid MQTT topic. */
    public static @Nullable Message decode(
            String kafkaTopic, ConsumerRecord<byte[], byte[]> record, TopicRouter router, int defaultQos) {
        String fallback = record.headers().lastHeader(MqttHeaders.TOPIC) != null
                ? null
                : router.mqttTopicFor(kafkaTopic, record.key());
        Message m = MessageRecordCodec.decode(fallback, record.value(), record.headers(), defaultQos);
        // A plain Kafka producer's key may be anything: a name with wildcards would reach subscribers of '#'
        // as a malformed PUBLISH [MQTT-3.3.2-2], so such records are not delivered. Nor are records into the
        // $SYS tree, which each node fills with its own statistics, never through Kafka.
        return m == null || TopicName.invalidReason(m.topic()) != null || isSys(m.topic())
                ? null
                : router.forSubscribers(m);
    }

    private static boolean isSys(String topic) {
        return topic.startsWith("$SYS/") || topic.equals("$SYS");
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }

    public static List<TopicPartition> shardsOf(Map<String, Integer> partitionCounts, Collection<String> topics) {
        List<TopicPartition> result = new ArrayList<>();
        for (String topic : topics) {
            for (int p = 0; p < partitionCounts.get(topic); p++) {
                result.add(new TopicPartition(topic, p));
            }
        }
        return result;
    }
}
