/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import io.tributary.mqtt.delivery.CatchUp;
import io.tributary.mqtt.delivery.Delivery;
import io.tributary.mqtt.delivery.DeliveryState.SharedInFlight;
import io.tributary.mqtt.delivery.Matches;
import io.tributary.mqtt.delivery.Outbox;
import io.tributary.mqtt.delivery.ReaderPositions;
import io.tributary.mqtt.delivery.Shards;
import io.tributary.mqtt.delivery.SubscriberRegistry.Subscriber;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.topic.Subscription;
import io.tributary.mqtt.topic.TopicName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays shards for sessions that are behind the live reader: a resumed persistent session (its offline
 * queue), or a connected session whose outbox overflowed with QoS 1/2 messages. Each replay reads from the
 * session's stored offsets with a consumer of its own, filters by the session's subscriptions, and hands the
 * shard back to the live reader once it has caught up (see {@link Outbox#advanceReplay}). Before that, it reads
 * back by offset the records of the shared subscriptions' QoS 2 messages a resumed session owes its client
 * ({@link Outbox#sharedToResend}).
 */
public final class CatchUpReader implements CatchUp, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatchUpReader.class);
    private static final long RETRY_MS = 5;
    private static final int POLLS_PER_TURN = 10;
    /** How long reading back one record may take before the replay retries (Kafka slow or unreachable). */
    private static final Duration READ_BACK_TIMEOUT = Duration.ofSeconds(5);

    private final ScheduledExecutorService pool;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final TopicRouter router;
    private final int defaultQos;
    private final BrokerMetrics metrics;
    private final Map<Subscriber, Replay> running = new ConcurrentHashMap<>();
    /** Consumers of finished replays, kept for the next ones (at most one per thread). */
    private final ConcurrentLinkedDeque<Consumer<byte[], byte[]>> idle = new ConcurrentLinkedDeque<>();

    private final int maxIdle;
    private volatile boolean closed;
    private volatile ReaderPositions reader;

    public CatchUpReader(
            int threads,
            Supplier<Consumer<byte[], byte[]>> consumers,
            TopicRouter router,
            int defaultQos,
            BrokerMetrics metrics) {
        this.pool = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, "tributary-catch-up");
            t.setDaemon(true);
            return t;
        });
        this.consumers = consumers;
        this.maxIdle = threads;
        this.router = router;
        this.defaultQos = defaultQos;
        this.metrics = metrics;
    }

    public void setReader(ReaderPositions reader) {
        this.reader = reader;
    }

    /** Starts a replay for the subscriber unless one is already running. */
    @Override
    public void schedule(Subscriber subscriber) {
        running.computeIfAbsent(subscriber, s -> {
            metrics.catchUpStarted();
            Replay replay = new Replay(s);
            pool.execute(replay);
            return replay;
        });
    }

    private final class Replay implements Runnable {
        private final Subscriber subscriber;
        private Consumer<byte[], byte[]> consumer;
        private final java.util.ArrayDeque<ConsumerRecord<byte[], byte[]>> pending = new java.util.ArrayDeque<>();

        Replay(Subscriber subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void run() {
            try {
                if (turn()) {
                    pool.schedule(this, RETRY_MS, TimeUnit.MILLISECONDS);
                } else {
                    finish();
                }
            } catch (RuntimeException e) {
                LOG.warn("Replay for {} failed, retrying: {}", subscriber.clientId(), e.toString());
                closeConsumer(false);
                pool.schedule(this, 1000, TimeUnit.MILLISECONDS);
            }
        }

        /** One bounded turn of work; true when the replay must continue later. */
        private boolean turn() {
            Outbox outbox = subscriber.outbox();
            for (int i = 0; i < POLLS_PER_TURN; i++) {
                if (!outbox.isAttached()) {
                    return false; // progress was stored at detach; the next attach replays again
                }
                if (pending.isEmpty() && outbox.hasSharedToResend()) { // at a batch boundary: it moves the consumer
                    resendShared(outbox);
                }
                Map<TopicPartition, Long> from = outbox.catchingUp();
                if (from.isEmpty()) {
                    return false;
                }
                if (consumer == null) {
                    consumer = idleConsumer();
                }
                if (pending.isEmpty()) {
                    // At a batch boundary: (re)position on the shards being replayed and fetch the next batch.
                    position(from);
                    consumer.poll(Duration.ofMillis(50)).forEach(pending::add);
                }
                // Records fetched but not yet offered are kept, not re-fetched: a full queue only pauses.
                while (!pending.isEmpty()) {
                    ConsumerRecord<byte[], byte[]> record = pending.peek();
                    if (!offer(outbox, new TopicPartition(record.topic(), record.partition()), record)) {
                        outbox.scheduleDrain();
                        return true; // the session drains; continue shortly from this record
                    }
                    pending.poll();
                }
                outbox.scheduleDrain();
                Set<TopicPartition> assigned = consumer.assignment();
                for (TopicPartition tp : from.keySet()) {
                    // A shard that fell behind after this batch was fetched is not assigned yet: the next batch
                    // positions it. Asking its position would throw, and the replay would stop for a retry.
                    if (assigned.contains(tp)) {
                        outbox.advanceReplay(tp, consumer.position(tp), reader);
                    }
                }
            }
            return true;
        }

        /** Reads back the shared QoS 2 messages the session owes its client and hands them to its outbox. */
        private void resendShared(Outbox outbox) {
            if (consumer == null) {
                consumer = idleConsumer();
            }
            for (SharedInFlight owed : outbox.sharedToResend()) {
                TopicPartition tp = Shards.parse(owed.partition());
                ConsumerRecord<byte[], byte[]> record = readBack(tp, owed.offset());
                outbox.resendShared(
                        owed, record == null ? null : ShardReader.decode(tp.topic(), record, router, defaultQos));
            }
        }

        /**
         * The committed record at {@code offset}, or null when there is none any more (deleted by retention). Throws
         * when Kafka does not answer in time: the replay retries.
         */
        private @Nullable ConsumerRecord<byte[], byte[]> readBack(TopicPartition tp, long offset) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset); // below the log start, the consumer resets to the earliest record
            long deadline = System.nanoTime() + READ_BACK_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r :
                        consumer.poll(Duration.ofMillis(50)).records(tp)) {
                    if (r.offset() >= offset) {
                        return r.offset() == offset ? r : null;
                    }
                }
                if (consumer.position(tp) > offset) {
                    return null; // read past it without finding it
                }
            }
            if (consumer.endOffsets(List.of(tp)).getOrDefault(tp, 0L) <= offset) {
                return null; // not in the partition (a topic made again since)
            }
            throw new TimeoutException("reading back " + tp + "@" + offset);
        }

        private void position(Map<TopicPartition, Long> from) {
            List<TopicPartition> wanted = new ArrayList<>(from.keySet());
            if (!consumer.assignment().equals(new java.util.HashSet<>(wanted))) {
                consumer.assign(wanted);
            }
            for (Map.Entry<TopicPartition, Long> e : from.entrySet()) {
                if (consumer.position(e.getKey()) != e.getValue()) {
                    consumer.seek(e.getKey(), e.getValue());
                }
            }
        }

        /** False when the outbox is full. */
        private boolean offer(Outbox outbox, TopicPartition tp, ConsumerRecord<byte[], byte[]> record) {
            if (!outbox.shouldReplay(tp, record.offset())) {
                return true;
            }
            Message m = ShardReader.decode(tp.topic(), record, router, defaultQos);
            if (m == null) {
                return true;
            }
            Matches matches = new Matches();
            List<String> levels = TopicName.levels(m.topic());
            for (Subscription s : subscriber.subscriptions()) {
                // A shared subscription's messages are its share group's to deliver, to one member each.
                if (!s.filter().isShared() && s.filter().matches(levels)) {
                    matches.add(s, m, subscriber);
                }
            }
            Delivery d = matches.toDelivery(m, tp, record.offset());
            if ((d == null || d.qos() == 0)
                    && m.qos() > 0
                    && outbox.sentUnacknowledged(tp, record.offset())
                    && subscriber.mayReceive(m.topic())) {
                // Sent and not acknowledged before the session went away, then unsubscribed (or re-subscribed at
                // QoS 0): the delivery that started is completed [MQTT-3.10.4-3], re-sent with its packet id
                // [MQTT-4.4.0-1]. At the message's QoS: the QoS it went out with is not stored.
                d = new Delivery(m, m.qos(), false, Delivery.NO_IDS, tp, record.offset(), false);
            }
            // Only QoS 1/2 messages are queued for a session that was away or fell behind.
            if (d == null || d.qos() == 0) {
                return true;
            }
            return outbox.offerReplay(d);
        }

        private void finish() {
            closeConsumer(true);
            if (running.remove(subscriber, this)) {
                metrics.catchUpFinished();
            }
            // A shard may have fallen behind again while we were closing.
            if (subscriber.outbox().isAttached()
                    && (!subscriber.outbox().catchingUp().isEmpty()
                            || subscriber.outbox().hasSharedToResend())) {
                schedule(subscriber);
            }
        }

        /** Gives the consumer back for the next replay ({@code reusable}) or closes it (after a failure). */
        private void closeConsumer(boolean reusable) {
            pending.clear();
            if (consumer != null) {
                if (reusable) {
                    returnConsumer(consumer);
                } else {
                    closeQuietly(consumer);
                }
                consumer = null;
            }
        }
    }

    /**
     * A consumer for a replay: one a finished replay left, else a new one. A subscriber that falls behind now and
     * then starts a replay each time; a new consumer costs its start (configuration, metrics, a connection and
     * metadata from Kafka) before the first record, on the path of a message that is late already.
     */
    private Consumer<byte[], byte[]> idleConsumer() {
        Consumer<byte[], byte[]> c = idle.poll();
        return c != null ? c : consumers.get();
    }

    private void returnConsumer(Consumer<byte[], byte[]> c) {
        try {
            c.assign(List.of()); // no fetches while idle
        } catch (RuntimeException e) {
            closeQuietly(c);
            return;
        }
        if (closed || idle.size() >= maxIdle) {
            closeQuietly(c);
            return;
        }
        idle.push(c);
        if (closed && idle.remove(c)) { // close() ran meanwhile
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Consumer<byte[], byte[]> c) {
        try {
            c.close(Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            LOG.debug("closing replay consumer", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        pool.shutdownNow();
        Consumer<byte[], byte[]> c;
        while ((c = idle.poll()) != null) {
            closeQuietly(c);
        }
    }
}
