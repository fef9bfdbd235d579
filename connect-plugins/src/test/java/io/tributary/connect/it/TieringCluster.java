/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * A Kafka + Connect cluster in this JVM whose worker loads the plugin from the archive the build just
 * made (unzipped into plugin.path), resolves ${env:...} like a production worker, and commits offsets
 * every second so tests need not wait a minute.
 */
final class TieringCluster implements AutoCloseable {
    /** One MQTT message the test produced, and where Kafka put it. */
    record Produced(int partition, long offset, String mqttTopic, String payload, String client) {}

    private final EmbeddedConnectCluster connect;
    private final KafkaProducer<byte[], byte[]> producer;

    TieringCluster(String name, Path work) throws IOException {
        Path pluginPath = unzipPluginArchive(work.resolve("plugins"));
        connect = new EmbeddedConnectCluster.Builder()
                .name(name)
                .numWorkers(1)
                .numBrokers(1)
                .brokerProps(singleBrokerTransactions())
                .workerProps(new java.util.HashMap<>(Map.of(
                        "plugin.path",
                        pluginPath.toString(),
                        "config.providers",
                        "env",
                        "config.providers.env.class",
                        "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                        "offset.flush.interval.ms",
                        "1000",
                        // A worker that leaves gets its tasks reassigned at once, not after five minutes.
                        "scheduled.rebalance.max.delay.ms",
                        "0",
                        // The plugin ships ServiceLoader manifests; skipping the reflective scan saves seconds.
                        "plugin.discovery",
                        "service_load")))
                .build();
        connect.start();
        producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        connect.kafka().bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /**
     * One broker: the transaction state topic must fit on it (a Tributary node writes its sessions through a
     * transactional producer; with Kafka's default replication factor of 3 it would wait for a coordinator forever).
     */
    private static java.util.Properties singleBrokerTransactions() {
        java.util.Properties props = new java.util.Properties();
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        return props;
    }

    private static Path unzipPluginArchive(Path target) throws IOException {
        Path archive = Path.of(System.getProperty("plugin.archive"));
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("archive entry outside its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(zip, out);
                }
            }
        }
        return target;
    }

    EmbeddedConnectCluster connect() {
        return connect;
    }

    /** Posts a connector exactly as an operator would: the JSON file, unchanged. */
    void postExample(String fileName) throws IOException {
        String body = Files.readString(Path.of(System.getProperty("examples.dir"), fileName));
        Response response = connect.requestPost(
                connect.endpointForResource("connectors"), body, Map.of("Content-Type", "application/json"));
        assertEquals(201, response.getStatus(), () -> "POST " + fileName + ": " + response.readEntity(String.class));
    }

    /**
     * Produces MQTT messages as the broker would: UTF-8 payloads with payload format 1 and every
     * seventh one as unspecified bytes, with QoS, client and a user property.
     */
    List<Produced> produce(String topic, int count, int firstIndex) throws ExecutionException, InterruptedException {
        List<Produced> produced = new ArrayList<>();
        for (int i = firstIndex; i < firstIndex + count; i++) {
            String mqttTopic = "site-" + (i % 3) + "/device-" + (i % 5) + "/temperature";
            String payload = "{\"reading\":" + i + "}";
            String client = "device-" + (i % 5);
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                    topic,
                    null,
                    1_767_225_600_000L + i * 1000L,
                    mqttTopic.getBytes(StandardCharsets.UTF_8),
                    payload.getBytes(StandardCharsets.UTF_8));
            record.headers().add(new RecordHeader("mqtt.qos", bytes(String.valueOf(i % 3))));
            record.headers().add(new RecordHeader("mqtt.client", bytes(client)));
            if (i % 7 != 0) {
                record.headers().add(new RecordHeader("mqtt.payload.format", bytes("1")));
            }
            record.headers().add(new RecordHeader("unit", bytes("celsius")));
            RecordMetadata metadata = producer.send(record).get();
            produced.add(new Produced(metadata.partition(), metadata.offset(), mqttTopic, payload, client));
        }
        return produced;
    }

    /** A record whose payload claims UTF-8 but is not: it cannot become a text column. */
    Produced produceMalformedUtf8(String topic) throws ExecutionException, InterruptedException {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                topic, 0, null, bytes("site-9/device-9/temperature"), new byte[] {(byte) 0xc3, (byte) 0x28});
        record.headers().add(new RecordHeader("mqtt.payload.format", bytes("1")));
        RecordMetadata metadata = producer.send(record).get();
        return new Produced(metadata.partition(), metadata.offset(), "site-9/device-9/temperature", null, null);
    }

    /** One record with the given value as is (e.g. in the Confluent wire format), QoS 1, no payload format. */
    Produced produceValue(String topic, String mqttTopic, byte[] value)
            throws ExecutionException, InterruptedException {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, 0, null, bytes(mqttTopic), value);
        record.headers().add(new RecordHeader("mqtt.qos", bytes("1")));
        RecordMetadata metadata = producer.send(record).get();
        return new Produced(metadata.partition(), metadata.offset(), mqttTopic, null, null);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String resource(String name) throws IOException {
        try (InputStream in = TieringCluster.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        producer.close();
        connect.stop();
    }
}
