/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.tiering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.shard.record.ShardRecord;
import io.tributary.shard.storage.S3ShardStorage;
import io.tributary.shard.storage.S3StorageConfig;
import io.tributary.shard.testing.ApicurioRegistryProcess;
import io.tributary.shard.testing.InterruptibleShardStorage;
import io.tributary.shard.testing.RegistryPayloads;
import io.tributary.shard.testing.S3ProxyProcess;
import io.tributary.shard.testing.ShardRecords;
import io.tributary.shard.testing.TieredFileReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Payload columns from a real schema registry (Apicurio Registry, its Confluent API) in files on S3 (S3Proxy): an
 * Avro subject and a JSON Schema subject, each in two versions, interleaved in one shard. Each file has one schema
 * id's columns, so the version change starts new files; the task crashes mid-publish and a new one recovers from
 * the bucket alone; read back with Parquet's and Avro's own readers, every offset is there once, with its typed
 * columns.
 */
class RegistryColumnsIT {
    private static final ShardId SHARD = new ShardId("mqtt.messages", 3);
    private static final int RECORDS = 80;
    /** Offsets from here on are written with the subjects' second versions: inside the first batch (0-39). */
    private static final int VERSION_2_FROM = 20;

    private static final String READING_V1 = """
            {"type": "record", "name": "Reading", "namespace": "com.acme", "fields": [
              {"name": "device", "type": "string"},
              {"name": "temp", "type": "double"}]}""";
    private static final String READING_V2 = """
            {"type": "record", "name": "Reading", "namespace": "com.acme", "fields": [
              {"name": "device", "type": "string"},
              {"name": "temp", "type": "double"},
              {"name": "humidity", "type": ["null", "int"], "default": null}]}""";
    private static final String STATUS_V1 = """
            {"type": "object", "properties": {"state": {"type": "string"}, "uptime": {"type": "integer"}}}""";
    private static final String STATUS_V2 = """
            {"type": "object", "properties": {"state": {"type": "string"}, "uptime": {"type": "integer"},
              "battery": {"type": "number"}}}""";

    @TempDir
    static Path work;

    private static S3ProxyProcess proxy;
    private static S3Client client;
    private static ApicurioRegistryProcess registry;

    @BeforeAll
    static void start() throws Exception {
        // The registry's JVM boots while S3Proxy's does.
        CompletableFuture<ApicurioRegistryProcess> registryStart = ApicurioRegistryProcess.startAsync();
        proxy = S3ProxyProcess.start(work.resolve("s3"));
        client = proxy.client();
        registry = registryStart.join();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** The schema ids the registry gave the four versions. */
    private record Ids(int readingV1, int readingV2, int statusV1, int statusV2) {}

    @ParameterizedTest(name = "{0} files")
    @ValueSource(strings = {"parquet", "avro"})
    void eachVersionGetsFilesWithItsTypedColumnsAndEveryOffsetIsThereOnceAfterACrash(String format) throws Exception {
        registry.setCompatibility("readings-" + format + "-value", "BACKWARD"); // v2 adds an optional field
        Ids ids = new Ids(
                registry.register("readings-" + format + "-value", "AVRO", READING_V1),
                registry.register("readings-" + format + "-value", "AVRO", READING_V2),
                registry.register("status-" + format + "-value", "JSON", STATUS_V1),
                registry.register("status-" + format + "-value", "JSON", STATUS_V2));
        String bucket = "registry-" + format;
        client.createBucket(b -> b.bucket(bucket));
        List<ShardRecord> log = kafkaLog(ids);

        // Crash after the WRITING marker and two of the first batch's four files.
        TieringWriter crashing = writer(format, bucket, 3);
        crashing.open(SHARD);
        assertThrows(IOException.class, () -> {
            for (ShardRecord record : log) {
                crashing.write(record);
            }
        });
        crashing.close();
        TieringWriter recovering = writer(format, bucket, Integer.MAX_VALUE);
        long position = recovering.open(SHARD);
        for (ShardRecord record : log.subList((int) Math.max(0, position), RECORDS)) {
            recovering.write(record);
        }
        assertEquals(Map.of(SHARD, (long) RECORDS), recovering.committedOffsets());
        recovering.close();

        Map<String, List<GenericRecord>> files = files(bucket);
        String batch1 = "topics/mqtt.messages+3+00000000000000000000";
        String batch2 = "topics/mqtt.messages+3+00000000000000000040";
        assertEquals(
                new TreeSet<>(List.of(
                        file(batch1, ids.readingV1(), format),
                        file(batch1, ids.readingV2(), format),
                        file(batch1, ids.statusV1(), format),
                        file(batch1, ids.statusV2(), format),
                        file(batch2, ids.readingV2(), format),
                        file(batch2, ids.statusV2(), format))),
                files.keySet(),
                "a file per batch and schema id: the version change at offset 20 starts new files");
        assertEveryOffsetOnce(files);

        List<GenericRecord> readingsV1 = files.get(file(batch1, ids.readingV1(), format));
        assertNull(readingsV1.get(0).getSchema().getField("humidity"), "version 1 has no humidity column");
        assertEquals(Schema.Type.DOUBLE, column(readingsV1, "temp"));
        assertEquals(
                "dev-0 20.0",
                readingsV1.get(0).get("device") + " " + readingsV1.get(0).get("temp"));
        List<GenericRecord> readingsV2 = files.get(file(batch2, ids.readingV2(), format));
        assertEquals(40L, readingsV2.get(0).get("kafka_offset"));
        assertEquals(40, readingsV2.get(0).get("humidity"));
        assertEquals(ids.readingV2(), readingsV2.get(0).get("payload_schema_id"));
        List<GenericRecord> statusV2 = files.get(file(batch1, ids.statusV2(), format));
        assertEquals(21L, statusV2.get(0).get("kafka_offset"));
        assertEquals("on", statusV2.get(0).get("state").toString());
        assertEquals(2100L, statusV2.get(0).get("uptime"));
        assertEquals(0.21, statusV2.get(0).get("battery"));
        assertNull(files.get(file(batch1, ids.statusV1(), format))
                .get(0)
                .getSchema()
                .getField("battery"));
    }

    private static final String SITE_JSON = """
            {"type": "object", "properties": {"room": {"type": "string"}, "floor": {"$ref": "#/$defs/floor"}},
             "$defs": {"floor": {"type": "integer"}}}""";
    private static final String VALVE_JSON = """
            {"type": "object", "properties": {"open": {"type": "boolean"}, "site": {"$ref": "site.json"}}}""";

    @org.junit.jupiter.api.Test
    void protobufPayloadsAndJsonSchemasWithReferencesGetTypedParquetColumns() throws Exception {
        registry.register("geo-site-proto-value", "PROTOBUF", RegistryPayloads.SITE_PROTO);
        ApicurioRegistryProcess.Reference siteProto =
                new ApicurioRegistryProcess.Reference(RegistryPayloads.SITE_PROTO_IMPORT, "geo-site-proto-value", 1);
        registry.setCompatibility("meters-value", "BACKWARD");
        int meterV1 = registry.register("meters-value", "PROTOBUF", RegistryPayloads.METER_PROTO_V1, siteProto);
        int meterV2 = registry.register("meters-value", "PROTOBUF", RegistryPayloads.METER_PROTO_V2, siteProto);
        registry.register("geo-site-json-value", "JSON", SITE_JSON);
        int valve = registry.register(
                "valves-value",
                "JSON",
                VALVE_JSON,
                new ApicurioRegistryProcess.Reference("site.json", "geo-site-json-value", 1));
        String bucket = "registry-proto";
        client.createBucket(b -> b.bucket(bucket));
        Map<String, String> imports = Map.of(RegistryPayloads.SITE_PROTO_IMPORT, RegistryPayloads.SITE_PROTO);
        java.time.Instant at = java.time.Instant.parse("2026-12-06T04:00:00Z");
        Map<String, Object> meter = Map.of(
                "kwh",
                1.5,
                "phase",
                "THREE",
                "location",
                Map.of("room", "cellar", "floor", -1),
                "samples",
                List.of(3, 4),
                "at",
                at);
        Map<String, Object> meterWithNote = new java.util.HashMap<>(meter);
        meterWithNote.put("note", "swapped");
        List<ShardRecord> log = List.of(
                publish(0, RegistryPayloads.protobuf(meterV1, RegistryPayloads.METER_PROTO_V1, imports, meter)),
                publish(
                        1,
                        RegistryPayloads.json(valve, "{\"open\": true, \"site\": {\"room\": \"roof\", \"floor\": 9}}")),
                publish(
                        2,
                        RegistryPayloads.protobuf(meterV2, RegistryPayloads.METER_PROTO_V2, imports, meterWithNote)));

        TieringWriter writer = writer("parquet", bucket, Integer.MAX_VALUE, log.size());
        writer.open(SHARD);
        for (ShardRecord record : log) {
            writer.write(record);
        }
        assertEquals(Map.of(SHARD, (long) log.size()), writer.committedOffsets());
        writer.close();

        Map<String, List<GenericRecord>> files = files(bucket);
        String batch = "topics/mqtt.messages+3+00000000000000000000";
        List<GenericRecord> v1 = files.get(file(batch, meterV1, "parquet"));
        assertEquals(Schema.Type.DOUBLE, nullableColumn(v1, "kwh"));
        assertEquals(Schema.Type.RECORD, nullableColumn(v1, "location"));
        assertEquals(Schema.Type.ARRAY, nullableColumn(v1, "samples"));
        assertEquals(Schema.Type.STRING, nullableColumn(v1, "phase"));
        assertNull(v1.get(0).getSchema().getField("note"), "version 1 has no note column");
        assertEquals("THREE", v1.get(0).get("phase").toString());
        assertEquals(-1, ((GenericRecord) v1.get(0).get("location")).get("floor"));
        assertEquals(List.of(3, 4), v1.get(0).get("samples"));
        assertEquals(at, v1.get(0).get("at"), "timestamp-micros, read back as an instant");
        List<GenericRecord> v2 = files.get(file(batch, meterV2, "parquet"));
        assertEquals("swapped", v2.get(0).get("note").toString());
        assertEquals(2L, v2.get(0).get("kafka_offset"));
        List<GenericRecord> valves = files.get(file(batch, valve, "parquet"));
        assertEquals(true, valves.get(0).get("open"));
        assertEquals(9L, ((GenericRecord) valves.get(0).get("site")).get("floor"));
        assertEquals(
                "roof", ((GenericRecord) valves.get(0).get("site")).get("room").toString());
    }

    private static ShardRecord publish(long offset, byte[] payload) {
        return ShardRecords.publish(SHARD.topic(), SHARD.partition(), offset, 1_700_000_000_000L, "site/m/x", payload);
    }

    /** Even offsets readings (Avro), odd ones status (JSON Schema); version 2 of both from offset 20. */
    private static List<ShardRecord> kafkaLog(Ids ids) {
        List<ShardRecord> log = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            boolean v2 = i >= VERSION_2_FROM;
            byte[] payload;
            String topic;
            if (i % 2 == 0) {
                topic = "site/dev-" + i + "/reading";
                payload = v2
                        ? RegistryPayloads.avro(
                                ids.readingV2(),
                                READING_V2,
                                Map.of("device", "dev-" + i, "temp", 20.0 + i, "humidity", i))
                        : RegistryPayloads.avro(
                                ids.readingV1(), READING_V1, Map.of("device", "dev-" + i, "temp", 20.0 + i));
            } else {
                topic = "site/dev-" + i + "/status";
                payload = v2
                        ? RegistryPayloads.json(
                                ids.statusV2(),
                                "{\"state\": \"on\", \"uptime\": " + i * 100 + ", \"battery\": " + i / 100.0 + "}")
                        : RegistryPayloads.json(ids.statusV1(), "{\"state\": \"on\", \"uptime\": " + i * 100 + "}");
            }
            log.add(ShardRecords.publish(SHARD.topic(), SHARD.partition(), i, 1_700_000_000_000L, topic, payload));
        }
        return log;
    }

    private TieringWriter writer(String format, String bucket, int writesBeforeCrash) {
        return writer(format, bucket, writesBeforeCrash, 40);
    }

    private TieringWriter writer(String format, String bucket, int writesBeforeCrash, int flushSize) {
        TieringConfig config = new TieringConfig(Map.of(
                TieringConfig.PATH_CONFIG,
                "",
                TieringConfig.FORMAT_CONFIG,
                format,
                TieringConfig.FLUSH_SIZE_CONFIG,
                String.valueOf(flushSize),
                TieringConfig.BUFFER_DIR_CONFIG,
                work.resolve("buffer-" + bucket).toString(),
                RegistryColumnsConfig.URL_CONFIG,
                registry.url()));
        S3ShardStorage s3 = new S3StorageConfig(Map.of(
                        S3StorageConfig.BUCKET_CONFIG,
                        bucket,
                        S3StorageConfig.ENDPOINT_CONFIG,
                        proxy.endpoint().toString(),
                        S3StorageConfig.PATH_STYLE_CONFIG,
                        "true",
                        S3StorageConfig.ACCESS_KEY_CONFIG,
                        S3ProxyProcess.ACCESS_KEY,
                        S3StorageConfig.SECRET_KEY_CONFIG,
                        S3ProxyProcess.SECRET_KEY))
                .buildStorage();
        return new TieringWriter(
                config.settings("registry-it"),
                new InterruptibleShardStorage(s3, writesBeforeCrash),
                new TieringMetrics(),
                new AtomicLong()::get);
    }

    private static String file(String batch, int schemaId, String format) {
        return batch + ".schema-" + schemaId + "." + format;
    }

    private static Map<String, List<GenericRecord>> files(String bucket) throws IOException {
        Map<String, List<GenericRecord>> files = new TreeMap<>();
        for (S3Object object :
                client.listObjectsV2Paginator(l -> l.bucket(bucket)).contents()) {
            if (object.key().endsWith(".parquet") || object.key().endsWith(".avro")) { // not the markers
                byte[] content = client.getObjectAsBytes(g -> g.bucket(bucket).key(object.key()))
                        .asByteArray();
                files.put(object.key(), TieredFileReader.records(content, object.key()));
            }
        }
        return files;
    }

    /** Each offset once in the bucket, each file in offset order and of one schema id. */
    private static void assertEveryOffsetOnce(Map<String, List<GenericRecord>> files) {
        List<Long> offsets = new ArrayList<>();
        files.forEach((name, rows) -> {
            List<Long> inFile =
                    rows.stream().map(row -> (Long) row.get("kafka_offset")).toList();
            assertEquals(inFile.stream().sorted().toList(), inFile, "offset order in " + name);
            assertEquals(
                    1,
                    rows.stream()
                            .map(row -> row.get("payload_schema_id"))
                            .distinct()
                            .count(),
                    "one schema id in " + name);
            offsets.addAll(inFile);
        });
        offsets.sort(Long::compare);
        List<Long> expected = new ArrayList<>();
        for (long offset = 0; offset < RECORDS; offset++) {
            expected.add(offset);
        }
        assertEquals(expected, offsets, "every offset exactly once");
    }

    /** The type of a column a registered JSON Schema or Protobuf field becomes: a union of null and it. */
    private static Schema.Type nullableColumn(List<GenericRecord> rows, String name) {
        Schema union = rows.get(0).getSchema().getField(name).schema();
        assertEquals(Schema.Type.UNION, union.getType(), name + " is nullable");
        return union.getTypes().get(1).getType();
    }

    private static Schema.Type column(List<GenericRecord> rows, String name) {
        return rows.get(0).getSchema().getField(name).schema().getType();
    }
}
