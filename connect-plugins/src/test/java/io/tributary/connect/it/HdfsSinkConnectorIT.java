/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.it;

import static io.tributary.connect.it.TieredFilesAssert.assertExactlyOnceInOrder;
import static io.tributary.connect.it.TieredFilesAssert.rowCount;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.connect.it.TieringCluster.Produced;
import io.tributary.shard.testing.TieredFileReader;
import io.tributary.shard.testing.TieredFileReader.Row;
import java.io.InputStream;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * The HDFS connector, loaded from the plugin archive into a real Connect worker, writing to a
 * MiniDFSCluster on the name node port the build reserved for HDFS_URL.
 */
class HdfsSinkConnectorIT {
    private static final Duration FILES_DONE = Duration.ofSeconds(120);
    private static final Pattern NAME = Pattern.compile("(.+)\\+(\\d+)\\+(\\d{20})\\+(\\d{20})\\.(parquet|avro|jsonl)");

    @TempDir
    static Path work;

    private static MiniDFSCluster hdfs;
    private static FileSystem fs;
    private static TieringCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("dfs").toString());
        hdfs = new MiniDFSCluster.Builder(conf)
                .nameNodePort(URI.create(System.getenv("HDFS_URL")).getPort())
                .numDataNodes(1)
                .build();
        hdfs.waitActive();
        fs = hdfs.getFileSystem();
        cluster = new TieringCluster("hdfs-it", work);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    private static Map<String, List<Row>> filesUnder(String dir) throws Exception {
        Map<String, List<Row>> files = new TreeMap<>();
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir);
        if (!fs.exists(root)) {
            return files;
        }
        RemoteIterator<LocatedFileStatus> listing = fs.listFiles(root, true);
        while (listing.hasNext()) {
            org.apache.hadoop.fs.Path path = listing.next().getPath();
            if (path.toUri().getPath().contains("/_tributary/")) {
                continue;
            }
            try (InputStream in = fs.open(path)) {
                files.put(path.toUri().getPath(), TieredFileReader.read(in.readAllBytes(), path.getName()));
            }
        }
        return files;
    }

    @Test
    void examplePostedAsIsTiersEveryRecordIntoFilesNamedWithStartAndEndOffsets() throws Exception {
        cluster.connect().kafka().createTopic("mqtt.messages", 2);
        List<Produced> produced = cluster.produce("mqtt.messages", 200, 0);

        cluster.postExample("hdfs-sink.json");

        String dir = "/tributary/topics/mqtt.messages";
        await("all 200 records in finished Parquet files")
                .atMost(FILES_DONE)
                .until(() -> rowCount(filesUnder(dir)) >= 200);
        Map<String, List<Row>> files = filesUnder(dir);
        assertExactlyOnceInOrder("mqtt.messages", produced, files);
        files.forEach((path, rows) -> {
            String name = path.substring(path.lastIndexOf('/') + 1);
            Matcher matcher = NAME.matcher(name);
            assertTrue(matcher.matches(), name);
            long start = Long.parseLong(matcher.group(3));
            long end = Long.parseLong(matcher.group(4));
            assertTrue(rows.stream().allMatch(r -> r.offset() >= start && r.offset() <= end), path);
            assertTrue(path.contains("/level1=site-") && path.contains("/dt=2026-01-01/"), path);
        });
        assertEquals(
                0,
                fs.listStatus(new org.apache.hadoop.fs.Path("/tributary/_tributary/tmp")).length,
                "no temporary file is left behind");
    }

    /**
     * The archive's lib/ alone, over only what a worker provides, talks to HDFS. The context class
     * loader is the plugin's, as Connect sets it around every call into a task; Hadoop's static
     * initialisers rely on it.
     */
    @Test
    void pluginLibraryAloneWritesAndRenamesOnHdfs() throws Exception {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        // Not closed: Hadoop's and the SDK's daemon threads outlive the store and still load classes.
        URLClassLoader plugin =
                PluginLibraryLoader.forArchiveLib(PluginLibraryLoader.libUnder(work.resolve("plugins")));
        try {
            Thread.currentThread().setContextClassLoader(plugin);
            Class<?> hdfsConfig = plugin.loadClass("io.tributary.shard.storage.HdfsStorageConfig");
            Object storage = hdfsConfig
                    .getMethod("buildStorage")
                    .invoke(hdfsConfig
                            .getConstructor(Map.class)
                            .newInstance(Map.of("hdfs.url", System.getenv("HDFS_URL"))));
            Class<?> storageType = plugin.loadClass("io.tributary.shard.storage.ShardStorage");
            storageType
                    .getMethod("writeAtomically", String.class, byte[].class)
                    .invoke(storage, "isolated/marker", TieringCluster.bytes("written in isolation"));
            storageType.getMethod("close").invoke(storage);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }

        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path("/tributary/isolated/marker"))) {
            assertEquals("written in isolation", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void taskRestartedMidFileLeavesEveryRecordExactlyOnce() throws Exception {
        String topic = "hdfs-crash-test";
        cluster.connect().kafka().createTopic(topic, 2);
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.tributary.connect.hdfs.TributaryHdfsSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("hdfs.url", System.getenv("HDFS_URL"));
        config.put("topics.dir", "crash");
        config.put("format", "avro");
        config.put("partitioner.path", "{topic}/partition={partition}");
        config.put("flush.size", "40");
        config.put("rotate.schedule.interval.ms", "3000");
        cluster.connect().configureConnector("hdfs-crash-sink", config);
        cluster.connect()
                .assertions()
                .assertConnectorAndExactlyNumTasksAreRunning("hdfs-crash-sink", 1, "HDFS sink did not start");
        List<Produced> produced = new ArrayList<>(cluster.produce(topic, 130, 0));
        await().atMost(FILES_DONE).until(() -> !filesUnder("/tributary/crash").isEmpty());

        cluster.connect().restartTask("hdfs-crash-sink", 0);
        produced.addAll(cluster.produce(topic, 100, 130));

        await("all 230 records tiered").atMost(FILES_DONE).until(() -> rowCount(filesUnder("/tributary/crash")) >= 230);
        assertExactlyOnceInOrder(topic, produced, filesUnder("/tributary/crash"));
    }
}
