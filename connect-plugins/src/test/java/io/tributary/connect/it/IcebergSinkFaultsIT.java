/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.it;

import static io.tributary.connect.it.IcebergLake.connectorConfig;
import static io.tributary.connect.it.IcebergLake.coordinates;
import static io.tributary.connect.it.IcebergLake.coordinatesOf;
import static io.tributary.connect.it.IcebergLake.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.connect.it.IcebergLake.Sent;
import io.tributary.shard.testing.CapturedLogs;
import io.tributary.shard.testing.S3ProxyProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
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
 * Faults through a real Connect worker (docs/iceberg.md, section "Faults"): S3 down mid-stream and back, and
 * records the table cannot take (not JSON, a field changing type) going to the dead-letter queue with the reason
 * in Connect's context headers, beside a 10 MB payload that is written. The task stays RUNNING throughout and
 * every other record lands exactly once. One Kafka, Connect and S3Proxy for the class.
 */
class IcebergSinkFaultsIT {
    private static final Duration ROWS_VISIBLE = Duration.ofSeconds(90);
    private static final String BUCKET = System.getenv("S3_BUCKET");

    @TempDir
    static Path work;

    private static S3ProxyProcess s3;
    private static TieringCluster cluster;
    private static IcebergLake lake;

    @BeforeAll
    static void start() throws Exception {
        // S3Proxy's JVM boots while Kafka and Connect do.
        CompletableFuture<S3ProxyProcess> proxy = CompletableFuture.supplyAsync(() -> {
            try {
                return S3ProxyProcess.start(
                        work.resolve("s3"),
                        URI.create(System.getenv("S3_ENDPOINT")).getPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        cluster = new TieringCluster("iceberg-faults-it", work);
        s3 = proxy.join();
        try (var client = s3.client()) {
            client.createBucket(b -> b.bucket(BUCKET));
        }
        lake = new IcebergLake(cluster.connect().kafka().bootstrapServers());
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

    private static String taskState(String connector) {
        List<ConnectorStateInfo.TaskState> tasks =
                cluster.connect().connectorStatus(connector).tasks();
        return tasks.isEmpty() ? "NONE" : tasks.get(0).state();
    }

    @Test
    void s3DownMidStreamDelaysTheCommitsAndThenEveryRecordLandsExactlyOnce() throws Exception {
        String topic = "s3-outage";
        cluster.connect().kafka().createTopic(topic, 2);
        String catalogUri = catalogUri("outage");
        try (CapturedLogs logs = CapturedLogs.capture()) {
            cluster.connect().configureConnector("outage-sink", connectorConfig(topic, catalogUri, "iot.outage"));
            cluster.connect()
                    .assertions()
                    .assertConnectorAndExactlyNumTasksAreRunning("outage-sink", 1, "outage-sink did not start");
            Catalog catalog = IcebergLake.catalog(catalogUri, "s3://" + BUCKET + "/" + topic);
            TableIdentifier table = TableIdentifier.of("iot", "outage");

            List<Sent> sent = new ArrayList<>(lake.produce(topic, "temperature", 100, 0));
            await("first rows committed")
                    .atMost(ROWS_VISIBLE)
                    .until(() -> rows(catalog, table).size() >= 100);

            s3.stop();
            sent.addAll(lake.produce(topic, "temperature", 100, 100));
            await("a commit failed while S3 is down")
                    .atMost(ROWS_VISIBLE)
                    .until(() -> IcebergLake.pluginMetric("outage-sink", "commit-failures-total") >= 2);
            assertThat(taskState("outage-sink")).isEqualTo("RUNNING");
            s3.restart();
            sent.addAll(lake.produce(topic, "temperature", 50, 200));

            await("all 250 records committed")
                    .atMost(ROWS_VISIBLE)
                    .until(() -> rows(catalog, table).size() >= 250);
            assertThat(coordinates(rows(catalog, table))).isEqualTo(coordinatesOf(sent));
            assertThat(taskState("outage-sink")).isEqualTo("RUNNING");
            List<CapturedLogs.Line> lines = logs.lines();
            assertThat(lines)
                    .as("one line per failure, no stack traces")
                    .noneMatch(CapturedLogs.Line::stackTrace)
                    .anySatisfy(line -> assertThat(line.message())
                            .startsWith("Committing to table iot.outage failed")
                            .contains("read again from"));
        } finally {
            cluster.connect().deleteConnector("outage-sink");
        }
    }

    @Test
    void nonJsonAndChangedTypeGoToTheDeadLetterQueueWithTheReasonAndA10MbPayloadIsWritten() throws Exception {
        String topic = "bad-input";
        // One partition: the dead letters' offsets are checked against what was sent, in order.
        cluster.connect().kafka().createTopic(topic, 1, 1, Map.of("max.message.bytes", Integer.toString(12 << 20)));
        String catalogUri = catalogUri("bad-input");
        Map<String, String> config = connectorConfig(topic, catalogUri, "iot.bad_input");
        config.put("iceberg.payload.non-json", "dlq");
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", "bad-input.dead-letters");
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        cluster.connect().configureConnector("bad-input-sink", config);
        cluster.connect()
                .assertions()
                .assertConnectorAndExactlyNumTasksAreRunning("bad-input-sink", 1, "bad-input-sink did not start");

        List<Sent> good = new ArrayList<>(lake.produce(topic, "temperature", 10, 0));
        Sent notJson = lake.send(topic, "site-0/device-0/temperature", "device-0", "warm and humid", -1);
        good.addAll(lake.produce(topic, "temperature", 10, 10));
        Sent changedType = lake.send(topic, "site-0/device-0/temperature", "device-0", "{\"reading\":\"warm\"}", -1);
        good.addAll(lake.produce(topic, "temperature", 10, 20));
        String blob = tenMegabytes();
        Sent big = lake.send(
                topic, "site-1/device-1/temperature", "device-1", "{\"reading\":30,\"blob\":\"" + blob + "\"}", 30);
        good.add(big);
        good.addAll(lake.produce(topic, "temperature", 10, 31));

        Catalog catalog = IcebergLake.catalog(catalogUri, "s3://" + BUCKET + "/" + topic);
        TableIdentifier table = TableIdentifier.of("iot", "bad_input");
        await("41 rows").atMost(ROWS_VISIBLE).until(() -> rows(catalog, table).size() >= 41);
        List<Record> rows = rows(catalog, table);
        assertThat(coordinates(rows)).isEqualTo(coordinatesOf(good));
        Record bigRow = rows.stream()
                .filter(row -> row.getField("kafka_offset").equals(big.offset()))
                .findFirst()
                .orElseThrow();
        assertThat(bigRow.getField("blob")).isEqualTo(blob);
        assertThat(((ByteBuffer) bigRow.getField("payload")).remaining()).isGreaterThan(10 << 20);

        ConsumerRecords<byte[], byte[]> dead = cluster.connect().kafka().consume(2, 60_000, "bad-input.dead-letters");
        List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
        dead.forEach(letters::add);
        assertThat(letters).hasSize(2);
        assertThat(header(letters.get(0), "__connect.errors.offset")).isEqualTo(Long.toString(notJson.offset()));
        assertThat(header(letters.get(0), "__connect.errors.exception.message"))
                .contains("iot.bad_input")
                .contains("not JSON");
        assertThat(header(letters.get(1), "__connect.errors.offset")).isEqualTo(Long.toString(changedType.offset()));
        assertThat(header(letters.get(1), "__connect.errors.exception.message"))
                .contains("reading")
                .contains("warm");
        assertThat(new String(letters.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("{\"reading\":\"warm\"}");
        assertThat(taskState("bad-input-sink")).isEqualTo("RUNNING");
        cluster.connect().deleteConnector("bad-input-sink");
    }

    /** 10 MB of base64 text that does not compress, as a camera frame or firmware chunk would not. */
    private static String tenMegabytes() {
        byte[] random = new byte[(10 << 20) * 3 / 4 + 3];
        new Random(42).nextBytes(random);
        return Base64.getEncoder().encodeToString(random);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
