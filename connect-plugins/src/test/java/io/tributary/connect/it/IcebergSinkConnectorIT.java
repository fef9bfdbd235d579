/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.it;

import static io.tributary.connect.it.IcebergLake.connectorConfig;
import static io.tributary.connect.it.IcebergLake.coordinates;
import static io.tributary.connect.it.IcebergLake.coordinatesOf;
import static io.tributary.connect.it.IcebergLake.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.connect.it.IcebergLake.Sent;
import io.tributary.shard.testing.ApicurioRegistryProcess;
import io.tributary.shard.testing.S3ProxyProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
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
    private static ApicurioRegistryProcess registry;

    @BeforeAll
    static void start() throws Exception {
        deleteExampleCatalog();
        // Apicurio Registry's JVM boots while S3Proxy, Kafka and Connect do.
        CompletableFuture<ApicurioRegistryProcess> registryStart = CompletableFuture.supplyAsync(() -> {
            try {
                return ApicurioRegistryProcess.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        s3 = S3ProxyProcess.start(
                work.resolve("s3"), URI.create(System.getenv("S3_ENDPOINT")).getPort());
        try (var client = s3.client()) {
            client.createBucket(b -> b.bucket(System.getenv("S3_BUCKET")));
        }
        cluster = new TieringCluster("iceberg-it", work);
        lake = new IcebergLake(cluster.connect().kafka().bootstrapServers());
        registry = registryStart.join();
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
        if (registry != null) {
            registry.close();
        }
    }

    private static String catalogUri(String name) {
        return "jdbc:sqlite:" + work.resolve(name + ".db");
    }

    private static void awaitRunning(String connector) throws InterruptedException {
        cluster.connect()
                .assertions()
                .assertConnectorAndExactlyNumTasksAreRunning(connector, 1, connector + " did not start");
    }

    @Test
    void wireFormatRecordsGetTheColumnsOfTheirRegisteredAvroSchemaInThePackagedPlugin() throws Exception {
        String subject = "registry-readings-value";
        String v1 = """
                {"type": "record", "name": "Reading", "namespace": "iot", "fields": [
                  {"name": "temp", "type": "double"},
                  {"name": "day", "type": {"type": "int", "logicalType": "date"}}]}""";
        String v2 =
                v1.replace("}}]}", "}}, {\"name\": \"humidity\", \"type\": [\"null\", \"long\"], \"default\": null}]}");
        int id1 = registry.register(subject, "AVRO", v1);
        int id2 = registry.register(subject, "AVRO", v2);
        String topic = "registry-readings";
        cluster.connect().kafka().createTopic(topic, 1);
        Map<String, String> config = connectorConfig(topic, catalogUri("registry"), "iot.registry_readings");
        config.put("iceberg.schema.registry.url", registry.url());
        cluster.connect().configureConnector("registry-sink", config);
        awaitRunning("registry-sink");

        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            boolean second = i >= 2;
            Schema schema = new Schema.Parser().parse(second ? v2 : v1);
            GenericData.Record reading = new GenericData.Record(schema);
            reading.put("temp", 20.0 + i);
            reading.put("day", (int) LocalDate.of(2026, 12, 6).toEpochDay());
            if (second) {
                reading.put("humidity", 40L + i);
            }
            byte[] payload = WireFormatBytes.of(second ? id2 : id1, schema, reading);
            sent.add(lake.send(topic, "site-0/device-" + i + "/reading", "device-" + i, payload, i));
        }

        Catalog catalog =
                IcebergLake.catalog(catalogUri("registry"), "s3://" + System.getenv("S3_BUCKET") + "/" + topic);
        TableIdentifier table = TableIdentifier.of("iot", "registry_readings");
        await("4 rows").atMost(ROWS_VISIBLE).until(() -> rows(catalog, table).size() >= 4);
        List<Record> rows = rows(catalog, table).stream()
                .sorted(Comparator.comparing(row -> (Long) row.getField("kafka_offset")))
                .toList();
        assertThat(coordinates(rows)).isEqualTo(coordinatesOf(sent));
        assertThat(rows).extracting(row -> row.getField("temp")).containsExactly(20.0, 21.0, 22.0, 23.0);
        assertThat(rows).extracting(row -> row.getField("humidity")).containsExactly(null, null, 42L, 43L);
        assertThat(rows).extracting(row -> row.getField("day")).containsOnly(LocalDate.of(2026, 12, 6));
        assertThat(catalog.loadTable(table).schema().findType("day").typeId())
                .isEqualTo(org.apache.iceberg.types.Type.TypeID.DATE);
        cluster.connect().deleteConnector("registry-sink");
    }

    /** The Confluent wire format: byte 0, the schema id, Avro binary. */
    private static final class WireFormatBytes {
        static byte[] of(int schemaId, Schema schema, GenericData.Record record) throws java.io.IOException {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.write(0);
            out.write(java.nio.ByteBuffer.allocate(4).putInt(schemaId).array());
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericData.Record>(schema).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        }
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
        assertPluginMetric("tributary-iceberg-sink", "records-written-total", 150);

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

    private static void assertPluginMetric(String connector, String metric, long atLeast) {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() ->
                        assertThat(IcebergLake.pluginMetric(connector, metric)).isGreaterThanOrEqualTo(atLeast));
    }

    /**
     * The archive's lib/ alone, over only what a worker provides, runs the whole Iceberg path: open the SQLite
     * catalog, check the S3 bucket, create a table, write Parquet through S3FileIO and commit. Connect's plugin
     * loader falls back to the test class path, which would hide a jar missing from the archive.
     */
    @Test
    void pluginLibraryAloneRunsTheIcebergPathWithoutTheTestClassPath() throws Exception {
        // Not closed: the SDK's and Hadoop's daemon threads outlive the sink and still load classes.
        URLClassLoader plugin =
                PluginLibraryLoader.forArchiveLib(PluginLibraryLoader.libUnder(work.resolve("plugins")));
        String catalogUri = catalogUri("isolated");
        String warehouse = "s3://" + System.getenv("S3_BUCKET") + "/isolated";
        Map<String, String> settings = IcebergLake.icebergSettings(catalogUri, warehouse);
        settings.put("iceberg.tables", "iot.isolated");
        // Connect runs a task with its plugin's loader as the context loader; Iceberg loads catalogs through it.
        ClassLoader testLoader = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(plugin);
        try {
            runIsolated(plugin, settings);
        } finally {
            Thread.currentThread().setContextClassLoader(testLoader);
        }
        Catalog catalog = IcebergLake.catalog(catalogUri, warehouse);
        List<Record> rows = rows(catalog, TableIdentifier.of("iot", "isolated"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getField("reading")).isEqualTo(7L);
        assertThat(rows.get(0).getField("kafka_offset")).isEqualTo(7L);
    }

    private static void runIsolated(ClassLoader plugin, Map<String, String> settings) throws Exception {
        Class<?> configType = plugin.loadClass("io.tributary.iceberg.IcebergSinkConfig");
        Object config = configType.getConstructor(Map.class).newInstance(settings);
        Class<?> sinkType = plugin.loadClass("io.tributary.iceberg.sink.IcebergSink");
        Object sink = sinkType.getConstructor(configType, String.class, String.class, Clock.class)
                .newInstance(config, "isolated", "task-0", Clock.systemUTC());
        Class<?> partitionType = plugin.loadClass("io.tributary.iceberg.write.KafkaPartition");
        Object partition = partitionType.getConstructor(String.class, int.class).newInstance("isolated", 0);
        sinkType.getMethod("open", Collection.class, Map.class).invoke(sink, List.of(partition), Map.of());
        Class<?> mqttType = plugin.loadClass("io.tributary.record.MqttRecord");
        Object mqtt = mqttType.getConstructors()[0].newInstance(
                "site-1/device-1/temperature",
                "{\"reading\":7}".getBytes(StandardCharsets.UTF_8),
                1,
                false,
                "device-1",
                true,
                null,
                null,
                null,
                null,
                List.of());
        Class<?> inputType = plugin.loadClass("io.tributary.iceberg.SinkInput");
        Object input = inputType
                .getConstructor(String.class, int.class, long.class, long.class, mqttType)
                .newInstance("isolated", 0, 7L, 1_767_225_600_000L, mqtt);
        Class<?> rejectedType = plugin.loadClass("io.tributary.iceberg.sink.RejectedRecord");
        List<Object> rejected = new ArrayList<>();
        Object collector = Proxy.newProxyInstance(plugin, new Class<?>[] {rejectedType}, (proxy, method, args) -> {
            rejected.add(args[0]);
            return null;
        });
        sinkType.getMethod("put", inputType, rejectedType).invoke(sink, input, collector);
        sinkType.getMethod("commit").invoke(sink);
        sinkType.getMethod("close").invoke(sink);
        assertThat(rejected).isEmpty();
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
