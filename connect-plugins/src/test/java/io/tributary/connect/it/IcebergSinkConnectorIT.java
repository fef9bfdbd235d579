/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.it;

import static io.tributary.connect.it.IcebergLake.coordinates;
import static io.tributary.connect.it.IcebergLake.coordinatesOf;
import static io.tributary.connect.it.IcebergLake.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.connect.it.IcebergLake.Sent;
import io.tributary.shard.testing.S3ProxyProcess;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Iceberg connector, loaded from the plugin archive into a real Connect worker, writing to a JDBC catalog
 * on SQLite with its warehouse on S3Proxy; the tables are read back with IcebergGenerics. The examples' env
 * variables (ICEBERG_CATALOG_URI, ICEBERG_WAREHOUSE, ICEBERG_TABLE, S3_*...) are set on this JVM by the build.
 */
class IcebergSinkConnectorIT {
    private static final Duration ROWS_VISIBLE = Duration.ofSeconds(90);
    private static final String EXAMPLE_CATALOG = System.getenv("ICEBERG_CATALOG_URI");
    private static final String EXAMPLE_WAREHOUSE = System.getenv("ICEBERG_WAREHOUSE");

    @TempDir
    static Path work;

    private static S3ProxyProcess s3;
    private static TieringCluster cluster;
    private static IcebergLake lake;

    @BeforeAll
    static void start() throws Exception {
        deleteExampleCatalog();
        s3 = S3ProxyProcess.start(
                work.resolve("s3"), URI.create(System.getenv("S3_ENDPOINT")).getPort());
        try (var client = s3.client()) {
            client.createBucket(b -> b.bucket(System.getenv("S3_BUCKET")));
        }
        cluster = new TieringCluster("iceberg-it", work);
        lake = new IcebergLake(cluster.connect().kafka().bootstrapServers());
    }

    /** The examples' catalog file lives in target/: a previous run's tables must not count. */
    private static void deleteExampleCatalog() throws Exception {
        Path file = Path.of(EXAMPLE_CATALOG.substring("jdbc:sqlite:".length()));
        if (Files.exists(file.getParent())) {
            try (Stream<Path> files = Files.walk(file.getParent())) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @AfterAll
    static void stop() {
        if (lake != null) {
            lake.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private static String catalogUri(String name) {
        return "jdbc:sqlite:" + work.resolve(name + ".db");
    }

    private static Map<String, String> connectorConfig(String topic, String catalogUri, String table) {
        Map<String, String> config = new HashMap<>(
                IcebergLake.icebergSettings(catalogUri, "s3://" + System.getenv("S3_BUCKET") + "/" + topic));
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

    private static void awaitRunning(String connector) throws InterruptedException {
        cluster.connect()
                .assertions()
                .assertConnectorAndExactlyNumTasksAreRunning(connector, 1, connector + " did not start");
    }

    @Test
    void examplesPostedAsIsFillTheMessagesTableAndTheLatestValueTable() throws Exception {
        cluster.connect().kafka().createTopic("mqtt.messages", 3);
        List<Sent> sent = lake.produce("mqtt.messages", "temperature", 150, 0);

        cluster.postExample("iceberg-sink.json");
        cluster.postExample("iceberg-upsert.json");

        Catalog catalog = IcebergLake.catalog(EXAMPLE_CATALOG, EXAMPLE_WAREHOUSE);
        TableIdentifier messages = TableIdentifier.parse(System.getenv("ICEBERG_TABLE"));
        TableIdentifier latest = TableIdentifier.parse(System.getenv("ICEBERG_TABLE") + "_latest");
        await("150 rows in " + messages)
                .atMost(ROWS_VISIBLE)
                .until(() -> rows(catalog, messages).size() >= 150);
        List<Record> rows = rows(catalog, messages);
        assertThat(coordinates(rows)).isEqualTo(coordinatesOf(sent));
        Map<String, Sent> byCoordinate =
                sent.stream().collect(Collectors.toMap(s -> s.partition() + "@" + s.offset(), s -> s));
        for (Record row : rows) {
            Sent expected = byCoordinate.get(row.getField("kafka_partition") + "@" + row.getField("kafka_offset"));
            assertThat(row.getField("topic")).isEqualTo(expected.mqttTopic());
            assertThat(row.getField("site") + "/" + row.getField("device") + "/" + row.getField("metric"))
                    .isEqualTo(expected.mqttTopic());
            assertThat(row.getField("client_id")).isEqualTo(expected.client());
            assertThat(row.getField("qos")).isEqualTo(1);
            assertThat(row.getField("content_type")).isEqualTo("application/json");
            assertThat(row.getField("user_properties")).isEqualTo(Map.of("unit", "celsius"));
            assertThat(row.getField("reading")).isEqualTo(expected.reading());
        }
        assertThat(catalog.loadTable(messages).spec().fields()).hasSize(1);

        // One row per (site, device) key, holding the last reading published for it.
        Map<String, Long> lastPerDevice = new HashMap<>();
        sent.forEach(s -> lastPerDevice.merge(
                s.mqttTopic().substring(0, s.mqttTopic().lastIndexOf('/')), s.reading(), Math::max));
        await("one row per device in " + latest).atMost(ROWS_VISIBLE).untilAsserted(() -> {
            Map<String, Long> actual = new HashMap<>();
            for (Record row : rows(catalog, latest)) {
                assertThat(actual.put(
                                row.getField("site") + "/" + row.getField("device"), (Long) row.getField("reading")))
                        .as("a second row for one device")
                        .isNull();
            }
            assertThat(actual).isEqualTo(lastPerDevice);
        });
    }

    @Test
    void routedRecordsLandInTheirOwnTableAndATypeConflictInTheDeadLetterQueue() throws Exception {
        String topic = "routed-test";
        cluster.connect().kafka().createTopic(topic, 2);
        String catalogUri = catalogUri("routed");
        Map<String, String> config = connectorConfig(topic, catalogUri, "iot.routed");
        config.put("iceberg.routes", "humidity");
        config.put("iceberg.route.humidity.filter", "+/+/humidity");
        config.put("iceberg.route.humidity.table", "iot.humidity");
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", "routed-test.dead-letters");
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        cluster.connect().configureConnector("routed-sink", config);
        awaitRunning("routed-sink");

        List<Sent> temperatures = new ArrayList<>(lake.produce(topic, "temperature", 30, 0));
        List<Sent> humidities = lake.produce(topic, "humidity", 20, 0);
        Sent conflict = lake.send(topic, "site-0/device-0/temperature", "device-0", "{\"reading\":\"warm\"}", -1);
        temperatures.addAll(lake.produce(topic, "temperature", 10, 30));

        Catalog catalog = IcebergLake.catalog(catalogUri, "s3://" + System.getenv("S3_BUCKET") + "/" + topic);
        TableIdentifier routed = TableIdentifier.of("iot", "routed");
        TableIdentifier humidity = TableIdentifier.of("iot", "humidity");
        await().atMost(ROWS_VISIBLE)
                .until(() -> rows(catalog, routed).size() >= 40
                        && rows(catalog, humidity).size() >= 20);
        assertThat(coordinates(rows(catalog, routed))).isEqualTo(coordinatesOf(temperatures));
        assertThat(coordinates(rows(catalog, humidity))).isEqualTo(coordinatesOf(humidities));

        ConsumerRecords<byte[], byte[]> dead = cluster.connect().kafka().consume(1, 60_000, "routed-test.dead-letters");
        ConsumerRecord<byte[], byte[]> deadLetter = dead.iterator().next();
        assertThat(header(deadLetter, "__connect.errors.offset")).isEqualTo(Long.toString(conflict.offset()));
        assertThat(header(deadLetter, "__connect.errors.exception.message"))
                .contains("iot.routed")
                .contains("reading");
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void taskRestartedAndWorkerReplacedMidStreamStillLeaveEveryRecordExactlyOnce() throws Exception {
        String topic = "crash-test";
        cluster.connect().kafka().createTopic(topic, 2);
        String catalogUri = catalogUri("crash");
        cluster.connect().configureConnector("crash-sink", connectorConfig(topic, catalogUri, "iot.crash"));
        awaitRunning("crash-sink");
        Catalog catalog = IcebergLake.catalog(catalogUri, "s3://" + System.getenv("S3_BUCKET") + "/" + topic);
        TableIdentifier table = TableIdentifier.of("iot", "crash");

        List<Sent> sent = new ArrayList<>(lake.produce(topic, "temperature", 130, 0));
        await("first rows committed")
                .atMost(ROWS_VISIBLE)
                .until(() -> !rows(catalog, table).isEmpty());
        cluster.connect().restartTask("crash-sink", 0);
        sent.addAll(lake.produce(topic, "temperature", 70, 130));
        cluster.connect().removeWorker();
        sent.addAll(lake.produce(topic, "temperature", 100, 200));
        cluster.connect().addWorker();
        awaitRunning("crash-sink");
        sent.addAll(lake.produce(topic, "temperature", 50, 300));

        await("all 350 records committed")
                .atMost(ROWS_VISIBLE)
                .until(() -> rows(catalog, table).size() >= 350);
        assertThat(coordinates(rows(catalog, table))).isEqualTo(coordinatesOf(sent));
    }

    @Test
    void aWarehouseInABucketThatDoesNotExistFailsTheTaskNamingTheBucket() throws Exception {
        String topic = "no-bucket-test";
        cluster.connect().kafka().createTopic(topic, 1);
        Map<String, String> config = connectorConfig(topic, catalogUri("no-bucket"), "iot.nowhere");
        config.put("iceberg.catalog.warehouse", "s3://no-such-lake/warehouse");
        cluster.connect().configureConnector("no-bucket-sink", config);

        await().atMost(ROWS_VISIBLE).ignoreExceptions().until(() -> {
            List<ConnectorStateInfo.TaskState> tasks =
                    cluster.connect().connectorStatus("no-bucket-sink").tasks();
            return !tasks.isEmpty() && "FAILED".equals(tasks.get(0).state());
        });
        String trace = cluster.connect()
                .connectorStatus("no-bucket-sink")
                .tasks()
                .get(0)
                .trace();
        assertThat(trace).contains("S3 bucket 'no-such-lake' does not exist");
    }
}
