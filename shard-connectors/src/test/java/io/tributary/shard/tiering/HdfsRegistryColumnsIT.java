/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.tiering;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.shard.record.ShardRecord;
import io.tributary.shard.storage.HdfsStorageConfig;
import io.tributary.shard.testing.ApicurioRegistryProcess;
import io.tributary.shard.testing.RegistryPayloads;
import io.tributary.shard.testing.ShardRecords;
import io.tributary.shard.testing.TieredFileReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payload columns from a real schema registry (Apicurio Registry) in Parquet files on HDFS (an in-process
 * MiniDFSCluster): a Protobuf subject's two versions get files of their own with their typed columns, read back
 * from HDFS with Parquet's reader.
 */
class HdfsRegistryColumnsIT {
    private static final ShardId SHARD = new ShardId("mqtt.messages", 1);

    @TempDir
    static Path work;

    private static MiniDFSCluster cluster;
    private static ApicurioRegistryProcess registry;

    @BeforeAll
    static void start() throws Exception {
        CompletableFuture<ApicurioRegistryProcess> registryStart = ApicurioRegistryProcess.startAsync();
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("dfs").toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        registry = registryStart.join();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    @Test
    void protobufVersionsGetParquetFilesWithTheirColumnsOnHdfs() throws Exception {
        registry.register("geo-site-value", "PROTOBUF", RegistryPayloads.SITE_PROTO);
        ApicurioRegistryProcess.Reference site =
                new ApicurioRegistryProcess.Reference(RegistryPayloads.SITE_PROTO_IMPORT, "geo-site-value", 1);
        int v1 = registry.register("meters-value", "PROTOBUF", RegistryPayloads.METER_PROTO_V1, site);
        int v2 = registry.register("meters-value", "PROTOBUF", RegistryPayloads.METER_PROTO_V2, site);
        Map<String, String> imports = Map.of(RegistryPayloads.SITE_PROTO_IMPORT, RegistryPayloads.SITE_PROTO);
        Map<String, Object> meter =
                Map.of("kwh", 7.25, "location", Map.of("room", "cellar"), "at", Instant.parse("2026-12-06T04:00:00Z"));
        Map<String, Object> withNote = new java.util.HashMap<>(meter);
        withNote.put("note", "swapped");
        List<ShardRecord> log = List.of(
                publish(0, RegistryPayloads.protobuf(v1, RegistryPayloads.METER_PROTO_V1, imports, meter)),
                publish(1, RegistryPayloads.protobuf(v2, RegistryPayloads.METER_PROTO_V2, imports, withNote)));

        TieringWriter writer = writer();
        writer.open(SHARD);
        for (ShardRecord record : log) {
            writer.write(record);
        }
        assertEquals(Map.of(SHARD, 2L), writer.committedOffsets());
        writer.close();

        String batch = "mqtt.messages+1+00000000000000000000+00000000000000000001";
        GenericRecord first = read(batch + ".schema-" + v1 + ".parquet");
        assertEquals(7.25, first.get("kwh"));
        assertEquals("ONE", first.get("phase").toString(), "an enum left out is its first value");
        assertEquals(
                "cellar", ((GenericRecord) first.get("location")).get("room").toString());
        assertEquals(null, first.getSchema().getField("note"), "version 1 has no note column");
        GenericRecord second = read(batch + ".schema-" + v2 + ".parquet");
        assertEquals("swapped", second.get("note").toString());
        assertEquals(1L, second.get("kafka_offset"));
    }

    /** The one row of the file named {@code name} under the base directory. */
    private static GenericRecord read(String name) throws IOException {
        FileSystem fs = cluster.getFileSystem();
        List<String> files = new java.util.ArrayList<>();
        RemoteIterator<LocatedFileStatus> listing = fs.listFiles(new org.apache.hadoop.fs.Path("/data"), true);
        while (listing.hasNext()) {
            files.add(listing.next().getPath().toUri().getPath());
        }
        String file = files.stream()
                .filter(path -> path.endsWith("/" + name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not among " + files));
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(file))) {
            List<GenericRecord> rows = TieredFileReader.records(in.readAllBytes(), file);
            assertEquals(1, rows.size(), file);
            return rows.get(0);
        }
    }

    private static ShardRecord publish(long offset, byte[] payload) {
        return ShardRecords.publish(SHARD.topic(), SHARD.partition(), offset, 1_700_000_000_000L, "site/m/x", payload);
    }

    private static TieringWriter writer() throws IOException {
        TieringConfig config = new TieringConfig(Map.of(
                TieringConfig.PATH_CONFIG,
                "",
                TieringConfig.FORMAT_CONFIG,
                "parquet",
                TieringConfig.FLUSH_SIZE_CONFIG,
                "2",
                TieringConfig.BUFFER_DIR_CONFIG,
                work.resolve("buffer").toString(),
                RegistryColumnsConfig.URL_CONFIG,
                registry.url()));
        String url = "hdfs://127.0.0.1:" + cluster.getNameNodePort() + "/data";
        return new TieringWriter(
                config.settings("hdfs-registry-it"),
                new HdfsStorageConfig(Map.of(HdfsStorageConfig.URL_CONFIG, url)).buildStorage(),
                new TieringMetrics(),
                new AtomicLong()::get);
    }
}
