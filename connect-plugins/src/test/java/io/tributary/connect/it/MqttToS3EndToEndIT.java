/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.it;

import static io.tributary.connect.it.TieredFilesAssert.rowCount;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.shard.testing.S3ProxyProcess;
import io.tributary.shard.testing.TieredFileReader;
import io.tributary.shard.testing.TieredFileReader.Row;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The whole tiering path with nothing simulated: MQTT clients publish to a Tributary broker node, the
 * node writes the records to Kafka, a Connect worker running the S3 sink from the plugin archive
 * tiers them to S3Proxy as Parquet, and the files, read back with Parquet's own reader, hold every
 * published message once with its MQTT topic, payload, QoS and client id. The broker node and the
 * worker share the Kafka cluster of the {@code EmbeddedConnectCluster}.
 */
class MqttToS3EndToEndIT {
    private static final String BUCKET = System.getenv("S3_BUCKET");
    private static final String MESSAGES_TOPIC = "e2e.mqtt.messages";
    private static final String DIRECTORY = "e2e";
    private static final int MESSAGES_PER_DEVICE = 25;
    private static final Duration FILES_DONE = Duration.ofSeconds(45);

    @TempDir
    static Path work;

    private static S3ProxyProcess s3;
    private static S3Client client;
    private static TieringCluster cluster;
    private static BrokerNode broker;

    /** One PUBLISH as the MQTT client sent it. */
    private record Published(String mqttTopic, String payload, int qos, String client) {}

    /** A device: its client id and the one topic it publishes to. */
    private record Device(String clientId, String mqttTopic, String site) {}

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyProcess.start(
                work.resolve("s3"), URI.create(System.getenv("S3_ENDPOINT")).getPort());
        client = s3.client();
        client.createBucket(b -> b.bucket(BUCKET));
        cluster = new TieringCluster("mqtt-e2e", work);

        Map<String, Object> settings = new HashMap<>();
        settings.put(BrokerConfig.MQTT_PORT_CONFIG, "0");
        settings.put("ops.http.listener", "127.0.0.1:0"); // 9464 may be taken on a shared machine
        settings.put(BrokerConfig.MESSAGES_TOPIC_CONFIG, MESSAGES_TOPIC);
        settings.put(BrokerConfig.RETAINED_TOPIC_CONFIG, "e2e.mqtt.retained");
        settings.put(BrokerConfig.SESSIONS_TOPIC_CONFIG, "e2e.mqtt.sessions");
        settings.put(BrokerConfig.MESSAGES_PARTITIONS_CONFIG, "3");
        settings.put(BrokerConfig.REPLICATION_FACTOR_CONFIG, "1");
        // The node creates its topics on the worker's Kafka cluster.
        broker = BrokerNode.start(
                new BrokerConfig(settings), cluster.connect().kafka().bootstrapServers());
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (client != null) {
            client.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void messagesPublishedOverMqttArriveInS3AsParquetOnceEachWithTopicPayloadQosAndClient() throws Exception {
        List<Device> devices =
                List.of(new Device("dev1", "site/a/dev1/temp", "a"), new Device("dev2", "site/b/dev2/temp", "b"));
        List<Published> published = publish(devices);

        cluster.connect().configureConnector("mqtt-e2e-s3-sink", connectorConfig());
        cluster.connect()
                .assertions()
                .assertConnectorAndExactlyNumTasksAreRunning("mqtt-e2e-s3-sink", 1, "the S3 sink did not start");

        int total = devices.size() * MESSAGES_PER_DEVICE;
        await("all " + total + " MQTT messages in finished Parquet files")
                .atMost(FILES_DONE)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> rowCount(filesUnder(DIRECTORY + "/")) >= total);
        Map<String, List<Row>> files = filesUnder(DIRECTORY + "/");

        // Each Kafka record once, in exactly one file; each file in offset order, under its device.
        Set<String> seen = new HashSet<>();
        List<Row> all = new ArrayList<>();
        files.forEach((path, rows) -> {
            assertTrue(
                    path.matches(DIRECTORY + "/" + MESSAGES_TOPIC.replace(".", "\\.")
                            + "/site=[ab]/device=dev[12]/" + MESSAGES_TOPIC.replace(".", "\\.")
                            + "\\+\\d\\+\\d{20}\\.parquet"),
                    path);
            for (int i = 0; i < rows.size(); i++) {
                Row row = rows.get(i);
                assertTrue(seen.add(row.partition() + "@" + row.offset()), "record twice: " + row);
                assertTrue(i == 0 || rows.get(i - 1).offset() < row.offset(), "offset order in " + path);
                assertEquals(MESSAGES_TOPIC, row.kafkaTopic());
                String[] levels = row.mqttTopic().split("/");
                assertTrue(
                        path.contains("/site=" + levels[1] + "/device=" + levels[2] + "/"),
                        row.mqttTopic() + " in " + path);
                all.add(row);
            }
        });
        assertEquals(total, all.size(), "rows in S3");
        for (Device device : devices) {
            String directory =
                    DIRECTORY + "/" + MESSAGES_TOPIC + "/site=" + device.site() + "/device=" + device.clientId() + "/";
            // 25 records with flush.size 10: files were rotated by count, not only by the clock.
            assertTrue(
                    files.keySet().stream().filter(p -> p.startsWith(directory)).count() >= 3,
                    () -> "files rotated by flush.size under " + directory + ": " + files.keySet());
        }

        // Message by message: per MQTT topic (one publisher, one Kafka partition) in publish order.
        Map<String, List<Published>> expected = published.stream()
                .collect(Collectors.groupingBy(Published::mqttTopic, TreeMap::new, Collectors.toList()));
        Map<String, List<Published>> actual = all.stream()
                .sorted(Comparator.comparingInt(Row::partition).thenComparingLong(Row::offset))
                .map(r -> new Published(r.mqttTopic(), r.payload(), r.qos(), r.client()))
                .collect(Collectors.groupingBy(Published::mqttTopic, TreeMap::new, Collectors.toList()));
        assertEquals(expected, actual);
        for (Device device : devices) {
            assertEquals(
                    1,
                    all.stream()
                            .filter(r -> r.mqttTopic().equals(device.mqttTopic()))
                            .map(Row::partition)
                            .distinct()
                            .count(),
                    device.mqttTopic() + " in one Kafka partition");
        }
    }

    /**
     * Interleaved PUBLISHes of the devices, each acknowledged (PUBACK / PUBCOMP) before the next, so
     * each device's messages are in Kafka in publish order. Every fifth is QoS 2 so the QoS column is
     * seen carrying the header rather than the default of 1.
     */
    private static List<Published> publish(List<Device> devices) throws Exception {
        List<MqttClient> clients = new ArrayList<>();
        for (Device device : devices) {
            MqttClient mqtt =
                    new MqttClient("tcp://127.0.0.1:" + broker.mqttPort(), device.clientId(), new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            mqtt.connect(options);
            clients.add(mqtt);
        }
        List<Published> published = new ArrayList<>();
        try {
            for (int i = 0; i < MESSAGES_PER_DEVICE; i++) {
                for (int d = 0; d < devices.size(); d++) {
                    Device device = devices.get(d);
                    String payload = "{\"device\":\"" + device.clientId() + "\",\"seq\":" + i + ",\"celsius\":"
                            + (20 + i % 7) + "." + d + "}";
                    int qos = i % 5 == 4 ? 2 : 1;
                    clients.get(d).publish(device.mqttTopic(), payload.getBytes(StandardCharsets.UTF_8), qos, false);
                    published.add(new Published(device.mqttTopic(), payload, qos, device.clientId()));
                }
            }
        } finally {
            for (MqttClient mqtt : clients) {
                mqtt.disconnect();
                mqtt.close();
            }
        }
        return published;
    }

    /** Partitioned by MQTT topic levels; ten records per file and a short wall-clock rotation. */
    private static Map<String, String> connectorConfig() {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.tributary.connect.s3.TributaryS3SinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", MESSAGES_TOPIC);
        config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("s3.endpoint", System.getenv("S3_ENDPOINT"));
        config.put("s3.bucket", BUCKET);
        config.put("s3.region", System.getenv("S3_REGION"));
        config.put("s3.path.style.access", "true");
        config.put("s3.access.key.id", S3ProxyProcess.ACCESS_KEY);
        config.put("s3.secret.access.key", S3ProxyProcess.SECRET_KEY);
        config.put("topics.dir", DIRECTORY);
        config.put("format", "parquet");
        config.put("format.payload", "auto");
        config.put("partitioner.path", "{topic}/site={2}/device={3}");
        config.put("flush.size", "10");
        config.put("rotate.schedule.interval.ms", "2000");
        return config;
    }

    /** Data files under a prefix (commit markers excluded), read back with Parquet's reader. */
    private static Map<String, List<Row>> filesUnder(String prefix) throws Exception {
        Map<String, List<Row>> files = new TreeMap<>();
        for (S3Object object : client.listObjectsV2Paginator(
                        l -> l.bucket(BUCKET).prefix(prefix))
                .contents()) {
            // S3Proxy's filesystem backend lists directories as keys ending in '/'; S3 has none.
            if (!object.key().contains("/_tributary/") && !object.key().endsWith("/")) {
                byte[] content;
                try {
                    content = client.getObjectAsBytes(g -> g.bucket(BUCKET).key(object.key()))
                            .asByteArray();
                } catch (NoSuchKeyException e) {
                    // S3Proxy's filesystem backend briefly lists its own temporary upload files.
                    continue;
                }
                files.put(object.key(), TieredFileReader.read(content, object.key()));
            }
        }
        return files;
    }
}
