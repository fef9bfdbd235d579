/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.bench;

import io.tributary.iceberg.IcebergSinkConfig;
import io.tributary.iceberg.SinkInput;
import io.tributary.iceberg.sink.IcebergSink;
import io.tributary.iceberg.write.KafkaPartition;
import io.tributary.record.MalformedMqttRecordException;
import io.tributary.record.MqttRecordReader;
import io.tributary.shard.testing.S3ProxyProcess;
import io.tributary.shard.testing.ShardConsumers;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Throughput of the Iceberg sink (the {@link IcebergSink} a Connect task wraps, fed by a consumer as the task is
 * fed by Connect) against a plain consumer reading the same topic in the same run, with the warehouse on a local
 * directory and on S3Proxy, after an unreported warm-up round; then the latency from a record's Kafka timestamp to a query seeing it, at a steady
 * producer rate and the examples' 10 s commit interval. A main, not a test. Usage: docs/performance.md, "Iceberg
 * sink".
 *
 * <p>Arguments: [records (default 300000)] [latency phase seconds (default 60; 0 skips the phase)] [latency phase
 * records/s (default 2000)] [throughput rounds (default 1): with more, the medians over the rounds too].
 */
public final class IcebergThroughputBenchmark {
    private static final String THROUGHPUT_TOPIC = "bench.mqtt.messages";
    private static final String LATENCY_TOPIC = "bench.mqtt.latency";
    private static final TableIdentifier TABLE = TableIdentifier.of("iot", "telemetry");
    private static final long COMMIT_INTERVAL_MS = 10_000;
    private static final long PROBE_POLL_MS = 100;

    /**
     * {@code cpuNanos}: this JVM's CPU time (Kafka's broker, GC and JIT included, S3Proxy's JVM not); {@code
     * taskCpuNanos}: the CPU time of the threads doing the task's work (the reading thread, and the sink's writer
     * threads), which other processes and the broker do not inflate.
     */
    private record Result(String name, long records, long bytes, long nanos, long cpuNanos, long taskCpuNanos) {
        double recordsPerSecond() {
            return records / (nanos / 1e9);
        }

        double megabytesPerSecond() {
            return bytes / 1e6 / (nanos / 1e9);
        }

        double cpuMicrosPerRecord() {
            return cpuNanos / 1e3 / records;
        }

        double taskCpuMicrosPerRecord() {
            return taskCpuNanos / 1e3 / records;
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static Map<Long, Long> taskCpuNanos() {
        return SinkPutBenchmark.taskCpuNanos();
    }

    private IcebergThroughputBenchmark() {}

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        int latencySeconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int latencyRate = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int throughputRounds = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Path work = Files.createTempDirectory("iceberg-bench");
        KafkaClusterTestKit kafka = startKafka();
        S3ProxyProcess s3 = S3ProxyProcess.start(work.resolve("s3"));
        try {
            String bootstrap = kafka.bootstrapServers();
            createTopics(bootstrap);
            TelemetryRecords.produce(bootstrap, THROUGHPUT_TOPIC, records);
            try (var client = s3.client()) {
                client.createBucket(b -> b.bucket("bench"));
            }
            // The first Iceberg write loads and compiles Parquet, Hadoop and catalog code: keep that out of the
            // figures.
            plainConsumer(bootstrap, records);
            sink(
                    "warm-up",
                    bootstrap,
                    records,
                    settings(
                            work.resolve("warm-up"),
                            work.resolve("warm-up/warehouse").toString()));
            // The S3 writer path (S3FileIO, its output streams) has its own code to compile: warm it up too.
            sink("warm-up on S3Proxy", bootstrap, records, s3Settings(work.resolve("warm-up-s3"), s3, "warm-up"));
            List<List<Result>> rounds = new ArrayList<>();
            for (int round = 0; round < throughputRounds; round++) {
                rounds.add(throughputRound(round, work, bootstrap, s3, records));
                report(rounds.get(round), records);
            }
            if (throughputRounds > 1) {
                reportMedians(rounds);
            }
            if (latencySeconds > 0) {
                latency(
                        bootstrap,
                        settings(
                                work.resolve("latency"),
                                work.resolve("latency/warehouse").toString()),
                        latencyRate,
                        latencySeconds);
            }
        } finally {
            s3.close();
            kafka.close();
        }
        System.exit(0);
    }

    /**
     * One round: the plain consumer and the sink into each warehouse, each into a fresh table. The order rotates
     * from round to round, so that a change of the machine's load during a round does not always favour the same
     * one; results come back in the fixed order consumer, local, S3Proxy.
     */
    private static List<Result> throughputRound(int round, Path work, String bootstrap, S3ProxyProcess s3, int records)
            throws Exception {
        Path dir = work.resolve("round-" + round);
        Result[] results = new Result[3];
        for (int step = 0; step < 3; step++) {
            int which = (step + round) % 3;
            results[which] = switch (which) {
                case 0 -> plainConsumer(bootstrap, records);
                case 1 ->
                    sink(
                            "Iceberg sink -> local warehouse",
                            bootstrap,
                            records,
                            settings(
                                    dir.resolve("local"),
                                    dir.resolve("local/warehouse").toString()));
                default ->
                    sink(
                            "Iceberg sink -> S3Proxy warehouse",
                            bootstrap,
                            records,
                            s3Settings(dir.resolve("s3-catalog"), s3, "warehouse-" + round));
            };
        }
        System.out.printf("%nRound %d (%s)%n", round, loadAverage());
        return List.of(results);
    }

    /** The 1-minute load average, as uptime prints it: the figures mean little without it on a shared machine. */
    private static String loadAverage() {
        return String.format(
                "load average %.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** Per line, the median over the rounds of records/s, of the ratio to that round's consumer and of task CPU. */
    private static void reportMedians(List<List<Result>> rounds) {
        System.out.printf(
                "%nMedians over %d rounds%n%-36s %12s %12s %15s%n",
                rounds.size(), "", "records/s", "vs consumer", "task us/record");
        for (int line = 0; line < rounds.get(0).size(); line++) {
            List<Double> rates = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            List<Double> taskCpu = new ArrayList<>();
            for (List<Result> round : rounds) {
                Result result = round.get(line);
                rates.add(result.recordsPerSecond());
                ratios.add(result.recordsPerSecond() / round.get(0).recordsPerSecond());
                taskCpu.add(result.taskCpuMicrosPerRecord());
            }
            System.out.printf(
                    "%-36s %12.0f %11.2fx %15.1f   ratios %s%n",
                    rounds.get(0).get(line).name(),
                    median(rates),
                    median(ratios),
                    median(taskCpu),
                    ratios.stream().map(r -> String.format("%.2f", r)).toList());
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static KafkaClusterTestKit startKafka() throws Exception {
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(false)
                        .setNumControllerNodes(1)
                        .setNumBrokerNodes(1)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        kit.format();
        kit.startup();
        kit.waitForReadyBrokers();
        return kit;
    }

    private static void createTopics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(
                            new NewTopic(THROUGHPUT_TOPIC, 1, (short) 1), new NewTopic(LATENCY_TOPIC, 1, (short) 1)))
                    .all()
                    .get();
        }
    }

    /** The examples' layout: one table, topic levels as columns, partitioned by day and site, 10 s commits. */
    private static Map<String, String> settings(Path catalogDir, String warehouse) throws Exception {
        Files.createDirectories(catalogDir);
        Map<String, String> settings = new HashMap<>();
        settings.put(IcebergSinkConfig.CATALOG_URI_CONFIG, "jdbc:sqlite:" + catalogDir.resolve("catalog.db"));
        settings.put(IcebergSinkConfig.CATALOG_WAREHOUSE_CONFIG, warehouse);
        settings.put(IcebergSinkConfig.TABLES_CONFIG, TABLE.toString());
        settings.put(IcebergSinkConfig.TOPIC_LEVELS_CONFIG, "source,site,device,kind");
        settings.put(IcebergSinkConfig.PARTITION_BY_CONFIG, "day(kafka_ts), site");
        settings.put(IcebergSinkConfig.COMMIT_INTERVAL_CONFIG, String.valueOf(COMMIT_INTERVAL_MS));
        return settings;
    }

    private static Map<String, String> s3Settings(Path catalogDir, S3ProxyProcess s3, String prefix) throws Exception {
        Map<String, String> onS3 = settings(catalogDir, "s3://bench/" + prefix);
        onS3.put(IcebergSinkConfig.S3_ENDPOINT_CONFIG, s3.endpoint().toString());
        onS3.put(IcebergSinkConfig.S3_REGION_CONFIG, "us-east-1");
        onS3.put(IcebergSinkConfig.S3_ACCESS_KEY_CONFIG, S3ProxyProcess.ACCESS_KEY);
        onS3.put(IcebergSinkConfig.S3_SECRET_KEY_CONFIG, S3ProxyProcess.SECRET_KEY);
        return onS3;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String topic) {
        return ShardConsumers.fromBeginning(bootstrap, topic);
    }

    private static long size(ConsumerRecord<byte[], byte[]> record) {
        return ShardConsumers.size(record);
    }

    private static Result plainConsumer(String bootstrap, int records) {
        long bytes = 0;
        long seen = 0;
        long cpuStart = processCpuNanos();
        Map<Long, Long> taskCpuStart = taskCpuNanos();
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, THROUGHPUT_TOPIC)) {
            while (seen < records) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    bytes += size(record);
                    seen++;
                }
            }
        }
        return new Result(
                "plain consumer",
                seen,
                bytes,
                System.nanoTime() - start,
                processCpuNanos() - cpuStart,
                SinkPutBenchmark.cpuSince(taskCpuStart, taskCpuNanos()));
    }

    /** What the Connect task does per record: read the record contract, put, commit when the interval is due. */
    private static void put(IcebergSink sink, ConsumerRecord<byte[], byte[]> record, AtomicLong rejected) {
        try {
            sink.put(
                    new SinkInput(
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            record.timestamp(),
                            MqttRecordReader.read(record)),
                    reason -> rejected.incrementAndGet());
        } catch (MalformedMqttRecordException e) {
            sink.reject(
                    new KafkaPartition(record.topic(), record.partition()),
                    record.offset(),
                    e.getMessage(),
                    reason -> rejected.incrementAndGet());
        }
    }

    private static Result sink(String name, String bootstrap, int records, Map<String, String> settings) {
        AtomicLong rejected = new AtomicLong();
        long bytes = 0;
        long seen = 0;
        long cpuStart = processCpuNanos();
        Map<Long, Long> taskCpuStart = taskCpuNanos();
        long start = System.nanoTime();
        System.out.printf("%s: starts at %d%n", name, System.currentTimeMillis());
        try (IcebergSink sink = new IcebergSink(new IcebergSinkConfig(settings), "bench", "task-0", Clock.systemUTC());
                KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, THROUGHPUT_TOPIC)) {
            sink.open(List.of(new KafkaPartition(THROUGHPUT_TOPIC, 0)), Map.of());
            while (seen < records) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    put(sink, record, rejected);
                    bytes += size(record);
                    seen++;
                }
                sink.commitDue();
            }
            sink.commit();
            long elapsed = System.nanoTime() - start;
            long cpu = processCpuNanos() - cpuStart;
            long taskCpu = SinkPutBenchmark.cpuSince(taskCpuStart, taskCpuNanos());
            if (sink.metrics().recordsCommitted() != seen || rejected.get() != 0) {
                throw new IllegalStateException(name + " committed "
                        + sink.metrics().recordsCommitted() + " of " + seen + ", rejected " + rejected.get());
            }
            System.out.printf(
                    "%s: ends at %d, %d commits, %d data files, %.1f MB of Parquet%n",
                    name,
                    System.currentTimeMillis(),
                    sink.metrics().commits(),
                    sink.metrics().filesWritten(),
                    sink.metrics().bytesWritten() / 1e6);
            return new Result(name, seen, bytes, elapsed, cpu, taskCpu);
        }
    }

    private static void report(List<Result> results, int records) {
        Result baseline = results.get(0);
        System.out.printf(
                "%n%d records, %d-byte JSON payloads (6 fields), %d devices, 1 partition, commit every %d s, "
                        + "partitioned by day(kafka_ts), site%n",
                records, TelemetryRecords.PAYLOAD_BYTES, TelemetryRecords.DEVICES, COMMIT_INTERVAL_MS / 1000);
        System.out.printf(
                "%-36s %12s %10s %12s %14s %15s%n",
                "", "records/s", "MB/s", "vs consumer", "CPU us/record", "task us/record");
        for (Result result : results) {
            System.out.printf(
                    "%-36s %12.0f %10.1f %11.2fx %14.1f %15.1f%n",
                    result.name(),
                    result.recordsPerSecond(),
                    result.megabytesPerSecond(),
                    result.recordsPerSecond() / baseline.recordsPerSecond(),
                    result.cpuMicrosPerRecord(),
                    result.taskCpuMicrosPerRecord());
        }
    }

    /**
     * A producer at a steady rate, the sink committing on its interval, and a {@link VisibilityProbe} polling the
     * table: per record, Kafka timestamp to snapshot commit and to the probe seeing it.
     */
    private static void latency(String bootstrap, Map<String, String> settings, int perSecond, int seconds)
            throws Exception {
        IcebergSinkConfig config = new IcebergSinkConfig(settings);
        VisibilityProbe probe = new VisibilityProbe(config, TABLE, PROBE_POLL_MS);
        Thread probeThread = new Thread(probe, "visibility-probe");
        probeThread.start();
        AtomicLong rejected = new AtomicLong();
        List<Long> commitDurations = new ArrayList<>();
        long handled = 0;
        CompletableFuture<Long> produced = CompletableFuture.supplyAsync(
                () -> TelemetryRecords.produceAtRate(bootstrap, LATENCY_TOPIC, perSecond, seconds));
        try (IcebergSink sink = new IcebergSink(config, "bench", "task-0", Clock.systemUTC());
                KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, LATENCY_TOPIC)) {
            sink.open(List.of(new KafkaPartition(LATENCY_TOPIC, 0)), Map.of());
            while (!produced.isDone()
                    || handled < produced.join()
                    || sink.metrics().recordsCommitted() < handled) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    put(sink, record, rejected);
                    handled++;
                }
                long commits = sink.metrics().commits();
                sink.commitDue();
                if (sink.metrics().commits() > commits) {
                    commitDurations.add(sink.metrics().lastCommitDurationMs());
                }
            }
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (probe.rowsSeen() < handled && System.currentTimeMillis() < deadline) {
            Thread.sleep(PROBE_POLL_MS); // the probe reads the last snapshot
        }
        probe.stop();
        probeThread.join();
        if (probe.rowsSeen() != handled || rejected.get() != 0) {
            throw new IllegalStateException(
                    "probe saw " + probe.rowsSeen() + " of " + handled + " rows, rejected " + rejected.get());
        }
        System.out.printf(
                "%nLatency: %d records at %d/s for %d s, commit every %d s, query polling every %d ms, "
                        + "%d snapshots (rows each: %s)%n",
                handled,
                perSecond,
                seconds,
                COMMIT_INTERVAL_MS / 1000,
                PROBE_POLL_MS,
                probe.snapshotRows().size(),
                probe.snapshotRows());
        System.out.printf("%-44s %8s %8s %8s%n", "", "p50 ms", "p99 ms", "max ms");
        printPercentiles("Kafka timestamp -> snapshot committed", probe.toCommitMs());
        printPercentiles("Kafka timestamp -> visible to the query", probe.toQueryMs());
        printPercentiles("commit duration (per commit)", commitDurations);
    }

    private static void printPercentiles(String name, List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        System.out.printf(
                "%-44s %8d %8d %8d%n",
                name, percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.get(sorted.size() - 1));
    }

    /** Nearest rank. */
    private static long percentile(List<Long> sorted, double fraction) {
        int rank = (int) Math.ceil(fraction * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
