/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tailer of compacted topics against a real in-process KRaft Kafka: read to the end, follow, skip. */
class CompactedTopicLogIT {

    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static KafkaClusterTestKit kafka;
    private static Admin admin;
    private static KafkaProducer<byte[], byte[]> producer;

    /** What a callback saw: topic, partition, key and value (null for a tombstone). */
    private record Seen(String topic, int partition, String key, String value) {
        static Seen of(ConsumerRecord<byte[], byte[]> r) {
            return new Seen(r.topic(), r.partition(), text(r.key()), r.value() == null ? null : text(r.value()));
        }
    }

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(false)
                        .setNumControllerNodes(1)
                        .setNumBrokerNodes(1)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
        admin = Admin.create(clientProps());
        producer = new KafkaProducer<>(clientProps(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopKafka() throws Exception {
        producer.close();
        admin.close();
        kafka.close();
    }

    @Test
    void readToEndHandsOverEveryRecordWrittenBeforeInPartitionOrderTombstonesIncluded() {
        String retained = newTopic(2);
        String sessions = newTopic(1);
        write(retained, 0, "a", "1");
        write(retained, 1, "b", "2");
        write(retained, 0, "a", null);
        write(sessions, 0, "c", "3");
        List<Seen> seen = new ArrayList<>(); // the caller's thread reads: no other thread touches it
        List<Integer> seenAtEnd = new ArrayList<>();

        try (CompactedTopicLog log =
                newLog(Map.of(retained, r -> seen.add(Seen.of(r)), sessions, r -> seen.add(Seen.of(r))))) {
            log.onReadToEnd(() -> seenAtEnd.add(seen.size()));
            log.readToEnd();

            assertThat(seen)
                    .containsExactlyInAnyOrder(
                            new Seen(retained, 0, "a", "1"),
                            new Seen(retained, 1, "b", "2"),
                            new Seen(retained, 0, "a", null),
                            new Seen(sessions, 0, "c", "3"));
            assertThat(seen.indexOf(new Seen(retained, 0, "a", "1")))
                    .isLessThan(seen.indexOf(new Seen(retained, 0, "a", null)));
            assertThat(seenAtEnd).containsExactly(4); // once, after the last record of the initial read
        }
    }

    @Test
    void followingHandsOverWhatIsWrittenLaterTombstonesIncludedThenRunsTheBatchHook() throws Exception {
        String topic = newTopic(1);
        write(topic, 0, "before", "0");
        List<Seen> seen = new CopyOnWriteArrayList<>();
        AtomicInteger batches = new AtomicInteger();

        try (CompactedTopicLog log = newLog(Map.of(topic, r -> seen.add(Seen.of(r))))) {
            log.afterEachBatch(batches::incrementAndGet);
            log.readToEnd();
            assertThat(batches).hasValue(0); // the hook is for batches read while following
            log.startFollowing().get(10, TimeUnit.SECONDS);

            write(topic, 0, "k", "v");
            write(topic, 0, "k", null);
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);

            assertThat(seen)
                    .containsExactly(
                            new Seen(topic, 0, "before", "0"),
                            new Seen(topic, 0, "k", "v"),
                            new Seen(topic, 0, "k", null));
            await().atMost(Duration.ofSeconds(10)).until(() -> batches.get() >= 1);
        }
    }

    @Test
    void startFollowingAloneReadsToTheEndOnTheTailThreadFirst() throws Exception {
        String topic = newTopic(1);
        write(topic, 0, "a", "1");
        List<String> threads = new CopyOnWriteArrayList<>();

        try (CompactedTopicLog log =
                newLog(Map.of(topic, r -> threads.add(Thread.currentThread().getName())))) {
            CompletableFuture<Void> readToEnd = log.startFollowing();
            readToEnd.get(30, TimeUnit.SECONDS);

            assertThat(threads).containsExactly("test-tail");
        }
    }

    @Test
    void anEmptyTopicIsReadToItsEndAtOnce() {
        String topic = newTopic(1);
        AtomicInteger atEnd = new AtomicInteger();
        try (CompactedTopicLog log = newLog(Map.of(topic, r -> {}))) {
            log.onReadToEnd(atEnd::incrementAndGet);
            log.readToEnd();
            assertThat(atEnd).hasValue(1);
        }
    }

    @Test
    void aCallbackThatThrowsLosesThatRecordOnly() {
        String topic = newTopic(1);
        write(topic, 0, "bad", "1");
        write(topic, 0, "good", "2");
        List<Seen> seen = new CopyOnWriteArrayList<>();
        Consumer<ConsumerRecord<byte[], byte[]>> callback = r -> {
            if (text(r.key()).startsWith("bad")) {
                throw new IllegalArgumentException("cannot read " + text(r.key()));
            }
            seen.add(Seen.of(r));
        };

        try (CompactedTopicLog log = newLog(Map.of(topic, callback))) {
            log.readToEnd();
            assertThat(seen).containsExactly(new Seen(topic, 0, "good", "2"));

            log.startFollowing();
            write(topic, 0, "bad-again", "3");
            write(topic, 0, "good-again", "4");
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
            assertThat(seen.get(1)).isEqualTo(new Seen(topic, 0, "good-again", "4"));
        }
    }

    @Test
    void aWriterReadsItsOwnWriteOnceTheTailHasHandedItOver() throws Exception {
        String topic = newTopic(1);
        List<Seen> seen = new CopyOnWriteArrayList<>();
        try (CompactedTopicLog log = newLog(Map.of(topic, r -> seen.add(Seen.of(r))))) {
            log.startFollowing().get(30, TimeUnit.SECONDS);

            long offset = write(topic, 0, "mine", "1");
            log.awaitRead(new TopicPartition(topic, 0), offset).get(10, TimeUnit.SECONDS);

            assertThat(seen).containsExactly(new Seen(topic, 0, "mine", "1"));
            assertThat(log.awaitRead(new TopicPartition(topic, 0), offset)).isCompleted(); // already read
        }
    }

    @Test
    void closingCancelsTheWritersStillWaiting() {
        String topic = newTopic(1);
        CompactedTopicLog log = newLog(Map.of(topic, r -> {}));
        log.startFollowing();
        CompletableFuture<Void> never = log.awaitRead(new TopicPartition(topic, 0), 1_000);

        log.close();

        assertThat(never).isCancelled();
    }

    private static CompactedTopicLog newLog(Map<String, Consumer<ConsumerRecord<byte[], byte[]>>> callbacks) {
        return new CompactedTopicLog(clientProps(), "test-log", "test-tail", callbacks);
    }

    private static String newTopic(int partitions) {
        String topic = "compacted-" + TOPICS.incrementAndGet();
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return topic;
    }

    /** Writes one record (a tombstone for a null value) and returns its offset. */
    private static long write(String topic, int partition, String key, String value) {
        try {
            RecordMetadata md = producer.send(
                            new ProducerRecord<>(topic, partition, bytes(key), value == null ? null : bytes(value)))
                    .get(30, TimeUnit.SECONDS);
            return md.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> clientProps() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
