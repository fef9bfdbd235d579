/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.bench;

import io.tributary.shard.record.RecordHeader;
import io.tributary.shard.record.ShardRecordParser;
import io.tributary.shard.storage.HdfsStorageConfig;
import io.tributary.shard.storage.S3StorageConfig;
import io.tributary.shard.storage.ShardStorage;
import io.tributary.shard.testing.S3ProxyProcess;
import io.tributary.shard.testing.ShardConsumers;
import io.tributary.shard.tiering.ShardId;
import io.tributary.shard.tiering.TieringConfig;
import io.tributary.shard.tiering.TieringMetrics;
import io.tributary.shard.tiering.TieringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;

/**
 * Throughput of one tiering task writing Parquet to S3Proxy and to a MiniDFSCluster, against a plain
 * consumer reading the same topic in the same run. The task is what a Connect sink task does per
 * record (parse the record contract, partition, write Parquet, publish, commit), driven by a consumer
 * directly so the figure is the tiering path's own cost. Usage: see docs/tiering.md, "Performance".
 *
 * <p>Arguments: [records (default 500000)] [payload bytes (default 200)].
 */
public final class TieringThroughputBenchmark {
    private static final String TOPIC = "bench.mqtt.messages";

    private record Result(String name, long records, long bytes, long nanos) {
        double recordsPerSecond() {
            return records / (nanos / 1e9);
        }

        double megabytesPerSecond() {
            return bytes / 1e6 / (nanos / 1e9);
        }
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int payloadBytes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path work = Files.createTempDirectory("tiering-bench");
        EmbeddedKafkaCluster kafka = new EmbeddedKafkaCluster(1, new Properties());
        kafka.start();
        S3ProxyProcess s3 = S3ProxyProcess.start(work.resolve("s3"));
        Configuration hdfsConf = new Configuration();
        hdfsConf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("dfs").toString());
        MiniDFSCluster hdfs =
                new MiniDFSCluster.Builder(hdfsConf).numDataNodes(1).build();
        try {
            kafka.createTopic(TOPIC, 1);
            produce(kafka.bootstrapServers(), records, payloadBytes);
            try (var client = s3.client()) {
                client.createBucket(b -> b.bucket("bench"));
            }
            List<Result> results = new ArrayList<>();
            results.add(plainConsumer(kafka.bootstrapServers(), records));
            results.add(tier(
                    "tiering task -> S3Proxy (Parquet)",
                    kafka.bootstrapServers(),
                    records,
                    new S3StorageConfig(Map.of(
                                    S3StorageConfig.BUCKET_CONFIG,
                                    "bench",
                                    S3StorageConfig.ENDPOINT_CONFIG,
                                    s3.endpoint().toString(),
                                    S3StorageConfig.PATH_STYLE_CONFIG,
                                    "true",
                                    S3StorageConfig.ACCESS_KEY_CONFIG,
                                    S3ProxyProcess.ACCESS_KEY,
                                    S3StorageConfig.SECRET_KEY_CONFIG,
                                    S3ProxyProcess.SECRET_KEY))
                            .buildStorage(),
                    work.resolve("buffer-s3")));
            results.add(tier(
                    "tiering task -> MiniDFSCluster (Parquet)",
                    kafka.bootstrapServers(),
                    records,
                    new HdfsStorageConfig(Map.of(
                                    HdfsStorageConfig.URL_CONFIG,
                                    "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + "/bench"))
                            .buildStorage(),
                    work.resolve("buffer-hdfs")));
            report(results, records, payloadBytes);
        } finally {
            hdfs.shutdown();
            s3.close();
            kafka.stop();
        }
        System.exit(0);
    }

    private static void produce(String bootstrap, int records, int payloadBytes) throws Exception {
        byte[] filler = "x".repeat(Math.max(0, payloadBytes - 40)).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.LINGER_MS_CONFIG,
                        "20",
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        String.valueOf(256 * 1024),
                        ProducerConfig.ACKS_CONFIG,
                        "1"),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                String payload =
                        "{\"reading\":" + i + ",\"pad\":\"" + new String(filler, StandardCharsets.UTF_8) + "\"}";
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                        TOPIC,
                        0,
                        null,
                        ("site-" + (i % 4) + "/device-" + (i % 50) + "/temperature").getBytes(StandardCharsets.UTF_8),
                        payload.getBytes(StandardCharsets.UTF_8));
                record.headers().add("mqtt.qos", "1".getBytes(StandardCharsets.UTF_8));
                record.headers().add("mqtt.client", ("device-" + (i % 50)).getBytes(StandardCharsets.UTF_8));
                record.headers().add("mqtt.payload.format", "1".getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
            producer.flush();
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return ShardConsumers.fromBeginning(bootstrap, TOPIC);
    }

    private static long size(ConsumerRecord<byte[], byte[]> record) {
        return ShardConsumers.size(record);
    }

    private static Result plainConsumer(String bootstrap, int records) {
        long bytes = 0;
        long seen = 0;
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            while (seen < records) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    bytes += size(record);
                    seen++;
                }
            }
        }
        return new Result("plain consumer", seen, bytes, System.nanoTime() - start);
    }

    private static Result tier(String name, String bootstrap, int records, ShardStorage storage, Path buffer)
            throws Exception {
        AtomicLong clock = new AtomicLong(System.currentTimeMillis());
        TieringConfig config = new TieringConfig(Map.of(
                TieringConfig.FORMAT_CONFIG, "parquet",
                TieringConfig.PATH_CONFIG, "{topic}/site={1}/dt={dt}",
                TieringConfig.BUFFER_DIR_CONFIG, buffer.toString(),
                TieringConfig.ROTATE_SCHEDULE_CONFIG, "60000"));
        long bytes = 0;
        long seen = 0;
        long start = System.nanoTime();
        try (TieringWriter writer =
                        new TieringWriter(config.settings("bench"), storage, new TieringMetrics(), clock::get);
                KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            writer.open(new ShardId(TOPIC, 0));
            while (seen < records) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    List<RecordHeader> headers = new ArrayList<>();
                    for (Header header : record.headers()) {
                        headers.add(new RecordHeader(header.key(), header.value()));
                    }
                    writer.write(ShardRecordParser.parse(
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            record.timestamp(),
                            record.key(),
                            record.value(),
                            headers));
                    bytes += size(record);
                    seen++;
                }
            }
            // The last files close by the wall-clock rule; move the injected clock instead of waiting.
            clock.addAndGet(60_000);
            writer.finishDueFiles();
            long committed = writer.committedOffsets().get(new ShardId(TOPIC, 0));
            if (committed != records) {
                throw new IllegalStateException(name + " committed " + committed + " of " + records);
            }
            long elapsed = System.nanoTime() - start;
            System.out.printf(
                    "%s: %d files, %.1f MB of Parquet%n",
                    name, writer.metrics().filesWritten(), writer.metrics().bytesWritten() / 1e6);
            return new Result(name, seen, bytes, elapsed);
        }
    }

    private static void report(List<Result> results, int records, int payloadBytes) {
        Result baseline = results.get(0);
        System.out.printf(
                "%n%d records, ~%d-byte payloads, 1 partition, Parquet/snappy, "
                        + "flush.size 100000, partitioned by {topic}/site={1}/dt={dt}%n",
                records, payloadBytes);
        System.out.printf("%-42s %12s %10s %10s%n", "", "records/s", "MB/s", "vs consumer");
        for (Result result : results) {
            System.out.printf(
                    "%-42s %12.0f %10.1f %9.0f%%%n",
                    result.name(),
                    result.recordsPerSecond(),
                    result.megabytesPerSecond(),
                    100.0 * result.recordsPerSecond() / baseline.recordsPerSecond());
        }
    }
}
