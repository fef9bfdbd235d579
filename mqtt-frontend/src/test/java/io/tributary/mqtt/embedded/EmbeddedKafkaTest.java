/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.embedded;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
final class EmbeddedKafkaTest {

    // Created when the class loads, so the logging backend has captured the real System.out before
    // the restart test swaps it out; only direct prints then land in the swapped stream.
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaTest.class);

    private static final String TOPIC = "tributary.embedded.test";

    @TempDir
    Path dataDir;

    @Test
    void restartWithSameDirectoryKeepsTopicsAndRecords() throws Exception {
        int port = freePort();

        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream realOut = System.out;
        try (EmbeddedKafka kafka = new EmbeddedKafka(dataDir, "127.0.0.1", port)) {
            assertEquals("127.0.0.1:" + port, kafka.bootstrapServers());
            // The quickstart prints its own banner; Kafka (including the storage formatter, which defaults to
            // System.out) must not write to the console behind its back.
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            try {
                timedStart(kafka, "first start (formats storage)");
            } finally {
                System.setOut(realOut);
            }
            assertEquals("", stdout.toString(StandardCharsets.UTF_8), "embedded Kafka printed to stdout");
            assertTrue(Files.exists(dataDir.resolve("kafka/logs/meta.properties")), "storage was not formatted");

            createTopic(kafka, TOPIC);
            produce(kafka, TOPIC, "client-1", "retained across restarts");
        }

        try (EmbeddedKafka kafka = new EmbeddedKafka(dataDir, "127.0.0.1", port)) {
            timedStart(kafka, "restart");
            ConsumerRecord<String, String> record = consumeFirst(kafka, TOPIC);
            assertEquals("client-1", record.key());
            assertEquals("retained across restarts", record.value());
        }
    }

    @Test
    void startFailsClearlyWhenClientPortIsTaken() throws Exception {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = squatter.getLocalPort();

            EmbeddedKafka kafka = new EmbeddedKafka(dataDir, "127.0.0.1", port);
            IllegalStateException failure = assertThrows(IllegalStateException.class, kafka::start);
            assertTrue(failure.getMessage().contains("127.0.0.1:" + port), failure.getMessage());
            assertTrue(failure.getMessage().contains("already in use"), failure.getMessage());

            // close() after a failed start, twice, must be harmless.
            kafka.close();
            kafka.close();
        }
    }

    @Test
    void restartMovesTheControllerWhenItsRememberedPortIsTaken() throws Exception {
        int port = freePort();
        try (EmbeddedKafka kafka = new EmbeddedKafka(dataDir, "127.0.0.1", port)) {
            kafka.start();
            createTopic(kafka, TOPIC);
        }
        int oldControllerPort = storedControllerPort();

        // Something else grabs the controller port while Tributary is down.
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(
                    new InetSocketAddress(InetAddress.getByName(KraftServerConfig.CONTROLLER_HOST), oldControllerPort));

            try (EmbeddedKafka kafka = new EmbeddedKafka(dataDir, "127.0.0.1", port)) {
                kafka.start();
                assertNotEquals(oldControllerPort, storedControllerPort());
                // Creating a topic goes broker -> controller over the controller listener, so it proves the node
                // found its controller at the new endpoint, and listing proves the old metadata survived.
                createTopic(kafka, TOPIC + ".second");
                try (Admin admin = admin(kafka)) {
                    Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                    assertTrue(names.containsAll(Set.of(TOPIC, TOPIC + ".second")), names.toString());
                }
            }
        }
    }

    @Test
    void closeIsIdempotentAndStartAfterCloseIsRejected() {
        EmbeddedKafka kafka = new EmbeddedKafka(dataDir, "127.0.0.1", freePort());
        kafka.close();
        kafka.close();
        assertThrows(IllegalStateException.class, kafka::start);
    }

    private static void timedStart(EmbeddedKafka kafka, String what) {
        long begin = System.nanoTime();
        kafka.start();
        LOG.info("Embedded Kafka {} took {} ms", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    }

    private static void createTopic(EmbeddedKafka kafka, String topic) throws Exception {
        try (Admin admin = admin(kafka)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void produce(EmbeddedKafka kafka, String topic, String key, String value) throws Exception {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                // acks=all: the record is on the (only) replica's log before close(), which is what the restart
                // has to preserve.
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static ConsumerRecord<String, String> consumeFirst(EmbeddedKafka kafka, String topic) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        // assign() rather than subscribe(): no group coordinator round trips, only the log contents matter here.
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return !received.isEmpty();
            });
        }
        return received.get(0);
    }

    private static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private int storedControllerPort() throws IOException {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve("kafka").resolve(ControllerPortFile.STATE_FILE))) {
            props.load(in);
        }
        return Integer.parseInt(props.getProperty(ControllerPortFile.CONTROLLER_PORT_KEY));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
