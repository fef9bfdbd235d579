/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The placement store against a real in-process KRaft Kafka: load, tail, bad records, two nodes. */
class PlacementStoreIT {

    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static KafkaClusterTestKit kafka;
    private static Admin admin;

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
    }

    @AfterAll
    static void stopKafka() throws Exception {
        admin.close();
        kafka.close();
    }

    private static Map<String, Object> clientProps() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    }

    private static String newTopic() {
        String topic = "placement-" + TOPICS.incrementAndGet();
        PlacementTopic.ensure(admin, topic, (short) 1);
        return topic;
    }

    @Test
    void aNodeLoadsWhatWasWrittenBeforeItStartedAsOneChange() {
        String topic = newTopic();
        try (PlacementWriter writer = new PlacementWriter(clientProps(), topic, "test-writer")) {
            writer.put(new Entity.Config("a", 1, "1")).join();
            writer.put(new Entity.Config("b", 1, "2")).join();
            writer.put(new Entity.Config("a", 2, "3")).join();
            writer.delete(new PlacementKey(Kind.CONFIG, "b")).join();
        }
        List<PlacementChange> changes = new CopyOnWriteArrayList<>();
        try (PlacementStore store = new PlacementStore(clientProps(), topic, "n1")) {
            store.addListener(changes::add);
            PlacementImage image = store.start().awaitReady(Duration.ofSeconds(30));

            assertThat(image.configs()).containsOnlyKeys("a");
            assertThat(image.configs().get("a").value()).isEqualTo("3");
            assertThat(changes).hasSize(1);
            assertThat(changes.get(0).previous()).isSameAs(PlacementImage.EMPTY);
            assertThat(changes.get(0).changed()).containsExactly(new PlacementKey(Kind.CONFIG, "a"));
        }
    }

    @Test
    void anEmptyTopicIsReadyAtOnce() {
        try (PlacementStore store = new PlacementStore(clientProps(), newTopic(), "n1")) {
            assertThat(store.start().awaitReady(Duration.ofSeconds(30)).offset())
                    .isEqualTo(-1);
        }
    }

    @Test
    void aWriteOnOneNodeReachesTheListenersOfEveryNode() {
        String topic = newTopic();
        List<PlacementChange> seenByB = new CopyOnWriteArrayList<>();
        try (PlacementStore a = new PlacementStore(clientProps(), topic, "a");
                PlacementStore b = new PlacementStore(clientProps(), topic, "b");
                PlacementWriter writer = new PlacementWriter(clientProps(), topic, "a-writer")) {
            b.addListener(seenByB::add);
            a.start().awaitReady(Duration.ofSeconds(30));
            b.start().awaitReady(Duration.ofSeconds(30));
            PlacementAdmin adminA = new PlacementAdmin(a, writer, e -> {}, Duration.ofSeconds(30));

            Entity stored = adminA.put(new Entity.Mapping("sensors", 0, "sensors/#", "mqtt.sensors", null, null));
            assertThat(stored.version()).isEqualTo(1);
            assertThat(a.image().mappings()).containsKey("sensors"); // read your writes, at once
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> b.image().mappings().containsKey("sensors"));
            assertThat(seenByB.get(seenByB.size() - 1).touches(Kind.MAPPING)).isTrue();

            assertThat(adminA.put(new Entity.Mapping("sensors", 0, "sensors/+", "mqtt.sensors", null, null))
                            .version())
                    .isEqualTo(2);
            assertThat(adminA.delete(new PlacementKey(Kind.MAPPING, "sensors"))).isNotNull();
            assertThat(adminA.delete(new PlacementKey(Kind.MAPPING, "sensors"))).isNull();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> b.image().mappings().isEmpty());
        }
    }

    @Test
    void unreadableRecordsAreSkippedAndTheRestStillApplies() {
        String topic = newTopic();
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(topic, bytes("widget/x"), bytes("{}")));
            raw.send(new ProducerRecord<>(topic, bytes("config/a"), bytes("{broken")));
            raw.send(new ProducerRecord<>(topic, bytes("/"), bytes("{}"))); // compacted topics refuse null keys
            raw.send(new ProducerRecord<>(
                    topic, bytes("config/b"), bytes("{\"name\":\"b\",\"version\":1,\"value\":\"ok\"}")));
            raw.flush();
        }
        try (PlacementStore store = new PlacementStore(clientProps(), topic, "n1")) {
            PlacementImage image = store.start().awaitReady(Duration.ofSeconds(30));
            assertThat(image.configs()).containsOnlyKeys("b");
            assertThat(store.skippedRecords()).isEqualTo(3);
        }
    }

    @Test
    void aValidatorRefusesBeforeAnythingIsWritten() {
        String topic = newTopic();
        try (PlacementStore store = new PlacementStore(clientProps(), topic, "n1");
                PlacementWriter writer = new PlacementWriter(clientProps(), topic, "w")) {
            store.start().awaitReady(Duration.ofSeconds(30));
            PlacementAdmin strict = new PlacementAdmin(
                    store,
                    writer,
                    e -> {
                        throw new IllegalArgumentException("no");
                    },
                    Duration.ofSeconds(30));
            assertThatThrownBy(() -> strict.put(new Entity.Config("a", 0, "1")))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(store.image().configs()).isEmpty();
        }
    }

    @Test
    void aTopicThatIsNotCompactedIsRefusedWithTheReason() throws Exception {
        admin.createTopics(List.of(new NewTopic("not-compacted", 1, (short) 1)))
                .all()
                .get();
        assertThatThrownBy(() -> PlacementTopic.ensure(admin, "not-compacted", (short) 1))
                .hasMessageContaining("must be compact");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
