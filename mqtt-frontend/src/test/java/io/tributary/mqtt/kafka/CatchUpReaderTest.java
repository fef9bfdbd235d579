/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.tributary.mqtt.delivery.Delivery;
import io.tributary.mqtt.delivery.OutboundWriter;
import io.tributary.mqtt.delivery.Outbox;
import io.tributary.mqtt.delivery.ReaderPositions;
import io.tributary.mqtt.delivery.SubscriberRegistry.Subscriber;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.topic.Subscription;
import io.tributary.mqtt.topic.TopicFilter;
import io.tributary.record.MqttHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Replays of a subscriber that fell behind: one consumer, kept across shards that fall behind one after another. */
class CatchUpReaderTest {

    private static final TopicPartition A = new TopicPartition("mqtt.messages", 0);
    private static final TopicPartition B = new TopicPartition("mqtt.messages", 1);

    private final AtomicInteger consumersMade = new AtomicInteger();
    private final List<MockConsumer<byte[], byte[]>> made = new ArrayList<>();
    private final CatchUpReader reader = new CatchUpReader(
            1, this::newConsumer, new TopicRouter("mqtt.messages", List.of()), 1, BrokerMetrics.inMemory());

    private synchronized MockConsumer<byte[], byte[]> newConsumer() {
        consumersMade.incrementAndGet();
        MockConsumer<byte[], byte[]> c = new ShardsConsumer();
        made.add(c);
        return c;
    }

    /** Holds records 0 to 3 of each shard; a mock consumer takes records only for shards assigned to it. */
    private static final class ShardsConsumer extends MockConsumer<byte[], byte[]> {
        private final Set<TopicPartition> filled = new HashSet<>();

        ShardsConsumer() {
            super("earliest");
            updateBeginningOffsets(Map.of(A, 0L, B, 0L));
        }

        @Override
        public synchronized void assign(Collection<TopicPartition> partitions) {
            super.assign(partitions);
            for (TopicPartition tp : partitions) {
                if (filled.add(tp)) {
                    for (int i = 0; i < 4; i++) {
                        addRecord(record(tp, i));
                    }
                }
            }
        }
    }

    private final Writer writer = new Writer();

    @AfterEach
    void close() {
        reader.close();
        writer.loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The client reads again: the outbox drains on the connection's event loop. */
    private void writable(Outbox outbox) {
        writer.writable = true;
        writer.loop.execute(outbox::drain);
    }

    @Test
    void aShardFallingBehindWhileAReplayHoldsAFetchedBatchJoinsTheReplayWithoutARestart() {
        Outbox outbox = new Outbox(2, 100, new AtomicLong());
        outbox.startLive(List.of(A, B));
        outbox.attach(writer, 100, List.of());
        reader.setReader(new LiveAt(100));
        Subscriber subscriber = subscriber(outbox);

        writer.writable = false; // the client does not read: the queue fills
        outbox.offerLive(delivery(A, 0));
        outbox.offerLive(delivery(A, 1));
        assertThat(outbox.offerLive(delivery(A, 2))).isEqualTo(Outbox.Offer.NEEDS_CATCH_UP);
        reader.schedule(subscriber); // replays A from 2: it fetches A's batch and waits for room
        await().atMost(Duration.ofSeconds(5))
                .ignoreExceptions()
                .until(() -> consumersMade.get() == 1 && made.get(0).position(A) == 4);
        // B falls behind while the replay holds A's records: it is not assigned to the replay's consumer yet.
        assertThat(outbox.offerLive(delivery(B, 0))).isEqualTo(Outbox.Offer.NEEDS_CATCH_UP);

        writable(outbox);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(writer.written())
                        .containsExactly("0@0", "0@1", "0@2", "0@3", "1@0", "1@1", "1@2", "1@3"));
        assertThat(consumersMade).as("no failed turn, no new consumer").hasValue(1);
    }

    @Test
    void theNextReplayTakesTheConsumerTheLastOneLeft() {
        Outbox outbox = new Outbox(10, 100, new AtomicLong());
        outbox.startLive(List.of(A, B));
        outbox.attach(writer, 100, List.of());
        reader.setReader(new LiveAt(4));
        Subscriber subscriber = subscriber(outbox);
        writer.writable = false;
        for (int i = 0; i < 10; i++) {
            outbox.offerLive(delivery(B, 100 + i)); // fill the queue with other records
        }
        assertThat(outbox.offerLive(delivery(A, 0))).isEqualTo(Outbox.Offer.NEEDS_CATCH_UP);
        writable(outbox);
        reader.schedule(subscriber);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> outbox.catchingUp().isEmpty()
                        && writer.written().containsAll(List.of("0@0", "0@1", "0@2", "0@3")));

        writer.writable = false;
        for (int i = 0; i < 10; i++) {
            outbox.offerLive(delivery(B, 200 + i));
        }
        assertThat(outbox.offerLive(delivery(A, 4))).isEqualTo(Outbox.Offer.NEEDS_CATCH_UP);
        writable(outbox);
        reader.schedule(subscriber);
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.catchingUp().isEmpty());
        assertThat(consumersMade)
                .as("the second replay reused the first one's consumer")
                .hasValue(1);
    }

    private static Subscriber subscriber(Outbox outbox) {
        Subscription all = new Subscription(TopicFilter.parse("t/#"), 1, false, false, 0, 0);
        return new Subscriber() {
            @Override
            public String clientId() {
                return "late";
            }

            @Override
            public Outbox outbox() {
                return outbox;
            }

            @Override
            public Collection<Subscription> subscriptions() {
                return List.of(all);
            }
        };
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(MqttHeaders.TOPIC, "t/x".getBytes(StandardCharsets.UTF_8));
        byte[] payload = (tp.partition() + "@" + offset).getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>(
                tp.topic(),
                tp.partition(),
                offset,
                0L,
                TimestampType.CREATE_TIME,
                0,
                payload.length,
                null,
                payload,
                headers,
                Optional.empty());
    }

    private static Delivery delivery(TopicPartition tp, long offset) {
        ConsumerRecord<byte[], byte[]> r = record(tp, offset);
        return new Delivery(
                ShardReader.decode(tp.topic(), r, new TopicRouter("mqtt.messages", List.of()), 1),
                1,
                false,
                Delivery.NO_IDS,
                tp,
                offset,
                false);
    }

    /** The live reader stands at {@code position} in every shard. */
    private record LiveAt(long position) implements ReaderPositions {
        @Override
        public long claimed(TopicPartition shard) {
            return position;
        }

        @Override
        public long dispatched(TopicPartition shard) {
            return position;
        }
    }

    /** A connection whose client reads or not; it never acknowledges (the window is larger than the tests send). */
    private static final class Writer implements OutboundWriter {
        final DefaultEventExecutor loop = new DefaultEventExecutor();
        private final List<String> written = new ArrayList<>();
        volatile boolean writable = true;

        synchronized List<String> written() {
            return List.copyOf(written);
        }

        @Override
        public EventExecutor executor() {
            return loop;
        }

        @Override
        public boolean isActive() {
            return true;
        }

        @Override
        public boolean isWritable() {
            return writable;
        }

        @Override
        public boolean fits(Delivery delivery) {
            return true;
        }

        @Override
        public synchronized void writePublish(Delivery d, int packetId) {
            written.add(new String(d.message().payload(), StandardCharsets.UTF_8));
        }

        @Override
        public void writePubrel(int packetId) {}

        @Override
        public void flush() {}
    }
}
