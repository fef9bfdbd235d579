/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.it;

import io.tributary.iceberg.IcebergSinkConfig;
import io.tributary.iceberg.table.Catalogs;
import io.tributary.record.MqttHeaderWriter;
import io.tributary.record.MqttRecord;
import io.tributary.record.UserProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import javax.management.AttributeNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Iceberg side of the connector ITs: records in the record contract's form (key = MQTT topic, metadata
 * in headers written by {@link MqttHeaderWriter}, JSON payloads) and the tables read back with IcebergGenerics
 * through a catalog of this JVM on the same SQLite file and S3Proxy warehouse.
 */
final class IcebergLake implements AutoCloseable {
    /** One record produced, and where Kafka put it. */
    record Sent(int partition, long offset, String mqttTopic, String client, long reading) {}

    private final KafkaProducer<byte[], byte[]> producer;

    IcebergLake(String bootstrapServers) {
        producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        // Room for the 10 MB payload of IcebergSinkFaultsIT (its topic allows 12 MB).
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        Integer.toString(16 << 20)),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** The iceberg.* settings of a connector writing to {@code catalogUri} with {@code warehouse} on S3Proxy. */
    static Map<String, String> icebergSettings(String catalogUri, String warehouse) {
        Map<String, String> settings = new HashMap<>();
        settings.put(IcebergSinkConfig.CATALOG_URI_CONFIG, catalogUri);
        settings.put(IcebergSinkConfig.CATALOG_WAREHOUSE_CONFIG, warehouse);
        settings.put("iceberg.catalog.clients", "1");
        settings.put(IcebergSinkConfig.S3_ENDPOINT_CONFIG, System.getenv("S3_ENDPOINT"));
        settings.put(IcebergSinkConfig.S3_REGION_CONFIG, System.getenv("S3_REGION"));
        settings.put(IcebergSinkConfig.S3_ACCESS_KEY_CONFIG, System.getenv("AWS_ACCESS_KEY_ID"));
        settings.put(IcebergSinkConfig.S3_SECRET_KEY_CONFIG, System.getenv("AWS_SECRET_ACCESS_KEY"));
        return settings;
    }

    /** A one-task connector of {@code topic} into {@code table}: topic levels, JSON columns, 1 s commits. */
    static Map<String, String> connectorConfig(String topic, String catalogUri, String table) {
        Map<String, String> config =
                new HashMap<>(icebergSettings(catalogUri, "s3://" + System.getenv("S3_BUCKET") + "/" + topic));
        config.put("connector.class", "io.tributary.connect.iceberg.TributaryIcebergSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("iceberg.tables", table);
        config.put("iceberg.topic.levels", "site,device,metric");
        config.put("iceberg.commit.interval-ms", "1000");
        return config;
    }

    static Catalog catalog(String catalogUri, String warehouse) {
        Map<String, String> settings = icebergSettings(catalogUri, warehouse);
        settings.put(IcebergSinkConfig.TABLES_CONFIG, "iot.messages"); // required by the config, unused here
        return Catalogs.load(new IcebergSinkConfig(settings).catalogSettings());
    }

    /** A plugin metric of the connector's tasks, summed: Connect puts them in JMX, tagged with connector and task. */
    static long pluginMetric(String connector, String metric) throws JMException {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        long total = 0;
        for (ObjectName task :
                jmx.queryNames(new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",*"), null)) {
            try {
                total += ((Number) jmx.getAttribute(task, metric)).longValue();
            } catch (AttributeNotFoundException e) {
                // another plugin of the task (a converter) has its own metrics
            }
        }
        return total;
    }

    /** Every row of the table, or none while it does not exist. */
    static List<Record> rows(Catalog catalog, TableIdentifier id) {
        if (!catalog.tableExists(id)) {
            return List.of();
        }
        Table table = catalog.loadTable(id);
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> scan = IcebergGenerics.read(table).build()) {
            scan.forEach(row -> rows.add(row.copy()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** "partition@offset" of every row, sorted: each once means each record once. */
    static List<String> coordinates(List<Record> rows) {
        return rows.stream()
                .map(row -> row.getField("kafka_partition") + "@" + row.getField("kafka_offset"))
                .sorted()
                .toList();
    }

    static List<String> coordinatesOf(List<Sent> sent) {
        return sent.stream().map(s -> s.partition() + "@" + s.offset()).sorted().toList();
    }

    /** {@code count} messages on site-{i%3}/device-{i%5}/{metric} with payload {"reading": i}. */
    List<Sent> produce(String topic, String metric, int count, int firstIndex)
            throws ExecutionException, InterruptedException {
        List<Sent> sent = new ArrayList<>();
        for (int i = firstIndex; i < firstIndex + count; i++) {
            String mqttTopic = "site-" + (i % 3) + "/device-" + (i % 5) + "/" + metric;
            sent.add(send(topic, mqttTopic, "device-" + (i % 5), "{\"reading\":" + i + "}", i));
        }
        return sent;
    }

    Sent send(String topic, String mqttTopic, String client, String payload, long reading)
            throws ExecutionException, InterruptedException {
        return send(topic, mqttTopic, client, payload.getBytes(StandardCharsets.UTF_8), reading);
    }

    Sent send(String topic, String mqttTopic, String client, byte[] payload, long reading)
            throws ExecutionException, InterruptedException {
        MqttRecord mqtt = new MqttRecord(
                mqttTopic,
                payload,
                1,
                false,
                client,
                true,
                "application/json",
                null,
                null,
                null,
                List.of(new UserProperty("unit", "celsius")));
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, mqttTopic.getBytes(StandardCharsets.UTF_8), mqtt.payload());
        MqttHeaderWriter.write(mqtt, false, record.headers());
        RecordMetadata metadata = producer.send(record).get();
        return new Sent(metadata.partition(), metadata.offset(), mqttTopic, client, reading);
    }

    @Override
    public void close() {
        producer.close();
    }
}
