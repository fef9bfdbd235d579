/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.it;

import static io.tributary.connect.it.TieredFilesAssert.assertExactlyOnceInOrder;
import static io.tributary.connect.it.TieredFilesAssert.rowCount;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.connect.it.TieringCluster.Produced;
import io.tributary.shard.testing.S3ProxyProcess;
import io.tributary.shard.testing.TieredFileReader;
import io.tributary.shard.testing.TieredFileReader.Row;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 connector, loaded from the plugin archive into a real Connect worker, writing to S3Proxy.
 * S3_ENDPOINT and the other variables the examples name are set on this JVM by the build.
 */
class S3SinkConnectorIT {
    private static final String BUCKET = System.getenv("S3_BUCKET");
    private static final Duration FILES_DONE = Duration.ofSeconds(120);

    @TempDir
    static Path work;

    private static S3ProxyProcess s3;
    private static S3Client client;
    private static TieringCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyProcess.start(
                work.resolve("s3"), URI.create(System.getenv("S3_ENDPOINT")).getPort());
        client = s3.client();
        client.createBucket(b -> b.bucket(BUCKET));
        cluster = new TieringCluster("s3-it", work);
    }

    @AfterAll
    static void stop() {
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

    /** Data files under a prefix (commit markers excluded), read back with their format's reader. */
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

    private static Map<String, String> connectorConfig(String topic, String directory) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.tributary.connect.s3.TributaryS3SinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("s3.endpoint", System.getenv("S3_ENDPOINT"));
        config.put("s3.bucket", BUCKET);
        config.put("s3.path.style.access", "true");
        config.put("s3.access.key.id", S3ProxyProcess.ACCESS_KEY);
        config.put("s3.secret.access.key", S3ProxyProcess.SECRET_KEY);
        config.put("s3.retry.max.attempts", "1");
        config.put("topics.dir", directory);
        config.put("partitioner.path", "{1}/dt={dt}");
        config.put("flush.size", "40");
        config.put("rotate.schedule.interval.ms", "3000");
        config.put("retry.backoff.ms", "500");
        return config;
    }

    private static void awaitRunning(String connector) throws InterruptedException {
        cluster.connect()
                .assertions()
                .assertConnectorAndExactlyNumTasksAreRunning(connector, 1, connector + " did not start");
    }

    @Test
    void examplePostedAsIsTiersEveryRecordAsParquetPartitionedByTopicLevelsAndDay() throws Exception {
        cluster.connect().kafka().createTopic("mqtt.messages", 3);
        List<Produced> produced = cluster.produce("mqtt.messages", 300, 0);

        cluster.postExample("s3-sink.json");

        await("all 300 records in finished Parquet files")
                .atMost(FILES_DONE)
                .until(() -> rowCount(filesUnder("topics/mqtt.messages/")) >= 300);
        Map<String, List<Row>> files = filesUnder("topics/mqtt.messages/");
        assertExactlyOnceInOrder("mqtt.messages", produced, files);
        files.forEach((path, rows) -> {
            assertTrue(
                    path.matches("topics/mqtt\\.messages/level1=site-\\d/level2=device-\\d/"
                            + "dt=2026-01-01/mqtt\\.messages\\+\\d\\+\\d{20}\\.parquet"),
                    path);
            Row first = rows.get(0);
            assertTrue(
                    path.contains("level1=" + first.mqttTopic().split("/")[0] + "/level2="
                            + first.mqttTopic().split("/")[1] + "/"),
                    path);
        });
        assertPluginMetrics("tributary-s3-sink", 300);
    }

    /** Connect's plugin metrics are in JMX, tagged with connector and task. */
    private static void assertPluginMetrics(String connector, long records) throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names =
                jmx.queryNames(new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",*"), null);
        assertTrue(!names.isEmpty(), "plugin metrics of " + connector + " in JMX");
        ObjectName task = names.iterator().next();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() ->
                        assertEquals(records, ((Number) jmx.getAttribute(task, "records-written-total")).longValue()));
        assertTrue(((Number) jmx.getAttribute(task, "files-written-total")).longValue() > 0);
        assertTrue(((Number) jmx.getAttribute(task, "bytes-written-total")).longValue() > 0);
        assertEquals(0L, ((Number) jmx.getAttribute(task, "files-open")).longValue());
        assertEquals(0L, ((Number) jmx.getAttribute(task, "commit-lag-records")).longValue());
    }

    /**
     * The archive's lib/ alone, over only what a worker provides, runs the whole tiering path: parse a
     * record, write Parquet (parquet, Hadoop's shaded client, snappy) and publish it with the AWS SDK.
     */
    @Test
    void pluginLibraryAloneRunsTheTieringPathWithoutTheTestClassPath() throws Exception {
        Path file = work.resolve("isolated.parquet");
        // Not closed: Hadoop's and the SDK's daemon threads outlive the store and still load classes.
        URLClassLoader plugin =
                PluginLibraryLoader.forArchiveLib(PluginLibraryLoader.libUnder(work.resolve("plugins")));
        Class<?> shardRecord = plugin.loadClass("io.tributary.shard.record.ShardRecord");
        Object record = plugin.loadClass("io.tributary.shard.record.ShardRecordParser")
                .getMethod(
                        "parse",
                        String.class,
                        int.class,
                        long.class,
                        long.class,
                        byte[].class,
                        byte[].class,
                        Iterable.class)
                .invoke(
                        null,
                        "isolated",
                        0,
                        7L,
                        1L,
                        TieringCluster.bytes("a/b"),
                        TieringCluster.bytes("payload"),
                        List.of());
        Class<?> format = plugin.loadClass("io.tributary.shard.format.FileFormat");
        Class<?> encoding = plugin.loadClass("io.tributary.shard.format.PayloadEncoding");
        Class<?> schemaType = plugin.loadClass("io.tributary.shard.format.MqttRecordSchema");
        Object schema = schemaType
                .getConstructor(encoding)
                .newInstance(encoding.getMethod("parse", String.class).invoke(null, "bytes"));
        Class<?> rowSchema = plugin.loadClass("io.tributary.shard.format.RowSchema"); // what MqttRecordSchema is
        Object writer = format.getMethod("open", Path.class, rowSchema, String.class)
                .invoke(format.getMethod("parse", String.class).invoke(null, "parquet"), file, schema, "snappy");
        Class<?> writerType = plugin.loadClass("io.tributary.shard.format.RecordFileWriter");
        writerType.getMethod("write", shardRecord).invoke(writer, record);
        writerType.getMethod("close").invoke(writer);

        Class<?> s3Config = plugin.loadClass("io.tributary.shard.storage.S3StorageConfig");
        Object storage = s3Config.getMethod("buildStorage")
                .invoke(s3Config.getConstructor(Map.class)
                        .newInstance(Map.of(
                                "s3.bucket",
                                BUCKET,
                                "s3.endpoint",
                                System.getenv("S3_ENDPOINT"),
                                "s3.path.style.access",
                                "true",
                                "s3.access.key.id",
                                S3ProxyProcess.ACCESS_KEY,
                                "s3.secret.access.key",
                                S3ProxyProcess.SECRET_KEY)));
        Class<?> storageType = plugin.loadClass("io.tributary.shard.storage.ShardStorage");
        storageType.getMethod("publish", Path.class, String.class).invoke(storage, file, "isolated/isolated.parquet");
        storageType.getMethod("close").invoke(storage);

        List<Row> rows = filesUnder("isolated/").get("isolated/isolated.parquet");
        assertEquals(List.of(new Row("isolated", 0, 7L, "a/b", "payload", null, 1)), rows);
    }

    @Test
    void taskRestartedAndWorkerReplacedMidFileStillLeaveEveryRecordExactlyOnce() throws Exception {
        String topic = "crash-test";
        cluster.connect().kafka().createTopic(topic, 2);
        cluster.connect().configureConnector("crash-sink", connectorConfig(topic, "crash"));
        awaitRunning("crash-sink");
        List<Produced> produced = new ArrayList<>(cluster.produce(topic, 130, 0));
        await("first files finished")
                .atMost(FILES_DONE)
                .until(() -> !filesUnder("crash/").isEmpty());

        // Kill the task while it holds open files, then the worker, producing all the while.
        cluster.connect().restartTask("crash-sink", 0);
        produced.addAll(cluster.produce(topic, 70, 130));
        cluster.connect().removeWorker();
        produced.addAll(cluster.produce(topic, 100, 200));
        cluster.connect().addWorker();
        awaitRunning("crash-sink");
        produced.addAll(cluster.produce(topic, 50, 300));

        await("all 350 records tiered").atMost(FILES_DONE).until(() -> rowCount(filesUnder("crash/")) >= 350);
        assertExactlyOnceInOrder(topic, produced, filesUnder("crash/"));
    }

    @Test
    void s3DownForAWhileIsRetriedWithNothingLostOrDuplicated() throws Exception {
        String topic = "outage-test";
        cluster.connect().kafka().createTopic(topic, 1);
        cluster.connect().configureConnector("outage-sink", connectorConfig(topic, "outage"));
        awaitRunning("outage-sink");
        List<Produced> produced = new ArrayList<>(cluster.produce(topic, 50, 0));
        await().atMost(FILES_DONE).until(() -> rowCount(filesUnder("outage/")) == 50);

        s3.stop();
        produced.addAll(cluster.produce(topic, 100, 50));
        // Lag beyond flush.size means a full batch could not be published: the outage was felt.
        await("the task notices the outage").atMost(FILES_DONE).until(() -> commitLag("outage-sink") >= 40);
        s3.restart();

        await("all 150 records tiered after the outage")
                .atMost(FILES_DONE)
                .until(() -> rowCount(filesUnder("outage/")) >= 150);
        assertExactlyOnceInOrder(topic, produced, filesUnder("outage/"));
        assertEquals(
                "RUNNING",
                cluster.connect().connectorStatus("outage-sink").tasks().get(0).state());
    }

    private static long commitLag(String connector) throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName name :
                jmx.queryNames(new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",*"), null)) {
            return ((Number) jmx.getAttribute(name, "commit-lag-records")).longValue();
        }
        return 0;
    }

    @Test
    void badRecordGoesToTheDeadLetterQueueWhenToleranceIsAll() throws Exception {
        String topic = "dlq-test";
        cluster.connect().kafka().createTopic(topic, 1);
        Map<String, String> config = connectorConfig(topic, "dlq");
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", "dlq-test.dead-letters");
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        cluster.connect().configureConnector("dlq-sink", config);
        awaitRunning("dlq-sink");

        List<Produced> good = new ArrayList<>(cluster.produce(topic, 10, 0));
        Produced bad = cluster.produceMalformedUtf8(topic);
        good.addAll(cluster.produce(topic, 10, 10));

        ConsumerRecords<byte[], byte[]> dead = cluster.connect().kafka().consume(1, 60_000, "dlq-test.dead-letters");
        assertEquals(
                bad.offset(),
                Long.parseLong(new String(dead.iterator()
                        .next()
                        .headers()
                        .lastHeader("__connect.errors.offset")
                        .value())));
        await().atMost(FILES_DONE).until(() -> rowCount(filesUnder("dlq/")) >= 20);
        assertExactlyOnceInOrder(topic, good, filesUnder("dlq/"));
    }

    @Test
    void badRecordStopsTheTaskNamingTopicPartitionAndOffsetByDefault() throws Exception {
        String topic = "strict-test";
        cluster.connect().kafka().createTopic(topic, 1);
        cluster.connect().configureConnector("strict-sink", connectorConfig(topic, "strict"));
        awaitRunning("strict-sink");
        cluster.produce(topic, 3, 0);

        Produced bad = cluster.produceMalformedUtf8(topic);

        await().atMost(FILES_DONE).until(() -> {
            ConnectorStateInfo.TaskState task =
                    cluster.connect().connectorStatus("strict-sink").tasks().get(0);
            return "FAILED".equals(task.state());
        });
        String trace =
                cluster.connect().connectorStatus("strict-sink").tasks().get(0).trace();
        assertTrue(trace.contains("record strict-test-0@" + bad.offset() + " cannot be tiered"), trace);
    }

    @Test
    void missingBucketFailsTheTaskAtStartNamingBucketAndEndpoint() throws Exception {
        String topic = "no-bucket-test";
        cluster.connect().kafka().createTopic(topic, 1);
        Map<String, String> config = connectorConfig(topic, "no-bucket");
        config.put("s3.bucket", "no-such-bucket");

        cluster.connect().configureConnector("no-bucket-sink", config);

        String trace = awaitTaskFailed("no-bucket-sink", Duration.ofSeconds(15));
        assertTrue(
                trace.contains("S3 bucket 'no-such-bucket' does not exist at " + System.getenv("S3_ENDPOINT")
                        + ": create it or fix s3.bucket"),
                trace);
    }

    @Test
    void bucketDeletedWhileRunningFailsTheTaskInsteadOfRetrying() throws Exception {
        String topic = "vanishing-test";
        String bucket = "vanishing";
        client.createBucket(b -> b.bucket(bucket));
        cluster.connect().kafka().createTopic(topic, 1);
        Map<String, String> config = connectorConfig(topic, "vanishing");
        config.put("s3.bucket", bucket);
        cluster.connect().configureConnector("vanishing-sink", config);
        awaitRunning("vanishing-sink");
        cluster.produce(topic, 40, 0);
        await("the first file").atMost(FILES_DONE).until(() -> hasDataFile(bucket));

        deleteBucket(bucket);
        cluster.produce(topic, 40, 40);

        String trace = awaitTaskFailed("vanishing-sink", Duration.ofSeconds(30));
        assertTrue(trace.contains("S3 bucket 'vanishing' does not exist at "), trace);
    }

    private static boolean hasDataFile(String bucket) {
        return client.listObjectsV2Paginator(l -> l.bucket(bucket)).contents().stream()
                .anyMatch(o -> o.key().endsWith(".parquet"));
    }

    /** S3 deletes only an empty bucket; S3Proxy's filesystem backend also lists its directories. */
    private static void deleteBucket(String bucket) {
        List<String> keys = new ArrayList<>();
        client.listObjectsV2Paginator(l -> l.bucket(bucket)).contents().forEach(o -> keys.add(o.key()));
        keys.sort((a, b) -> b.length() - a.length());
        keys.forEach(key -> client.deleteObject(d -> d.bucket(bucket).key(key)));
        client.deleteBucket(d -> d.bucket(bucket));
    }

    /** Waits for the connector's only task to fail; returns its stack trace as Connect reports it. */
    private static String awaitTaskFailed(String connector, Duration within) {
        await(connector + "'s task FAILED")
                .atMost(within)
                .ignoreExceptions()
                .until(() -> "FAILED"
                        .equals(cluster.connect()
                                .connectorStatus(connector)
                                .tasks()
                                .get(0)
                                .state()));
        return cluster.connect().connectorStatus(connector).tasks().get(0).trace();
    }
}
