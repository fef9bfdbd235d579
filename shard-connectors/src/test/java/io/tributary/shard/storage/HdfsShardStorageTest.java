/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HDFS adapter against an in-process MiniDFSCluster. */
class HdfsShardStorageTest {
    @TempDir
    static Path work;

    private static MiniDFSCluster cluster;
    private static HdfsShardStorage storage;
    private static FileSystem fs;

    @BeforeAll
    static void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("dfs").toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        fs = cluster.getFileSystem();
        String url = "hdfs://127.0.0.1:" + cluster.getNameNodePort() + "/data";
        storage = new HdfsStorageConfig(Map.of(HdfsStorageConfig.URL_CONFIG, url)).buildStorage();
    }

    @AfterAll
    static void stopHdfs() throws Exception {
        storage.close();
        cluster.shutdown();
    }

    @Test
    void publishedFileAppearsUnderTheBaseDirectoryAndNoTempFileRemains() throws Exception {
        Path file = Files.writeString(work.resolve("f.jsonl"), "{\"a\":1}\n");

        storage.publish(file, "topics/site=a/f.jsonl");
        storage.publish(file, "topics/site=a/f.jsonl");

        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path("/data/topics/site=a/f.jsonl"))) {
            assertArrayEquals(Files.readAllBytes(file), in.readAllBytes());
        }
        assertEquals(0, fs.listStatus(new org.apache.hadoop.fs.Path("/data/_tributary/tmp")).length);
    }

    @Test
    void markerIsReplacedInPlace() throws Exception {
        assertEquals(Optional.empty(), storage.read("_tributary/c/t+0.commit"));

        storage.writeAtomically("_tributary/c/t+0.commit", "one".getBytes(StandardCharsets.UTF_8));
        storage.writeAtomically("_tributary/c/t+0.commit", "two".getBytes(StandardCharsets.UTF_8));

        assertEquals("two", new String(storage.read("_tributary/c/t+0.commit").orElseThrow(), StandardCharsets.UTF_8));
        assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/_tributary")), "stays under /data");
    }
}
