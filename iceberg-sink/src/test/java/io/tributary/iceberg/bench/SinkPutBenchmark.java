/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.bench;

import io.tributary.iceberg.IcebergSinkConfig;
import io.tributary.iceberg.SinkInput;
import io.tributary.iceberg.sink.IcebergSink;
import io.tributary.iceberg.write.KafkaPartition;
import io.tributary.record.MqttRecordReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The sink's own CPU per record, without Kafka: the benchmark's telemetry records (already produced, in memory)
 * read through the record contract and put into an {@link IcebergSink} on a local warehouse, then one commit;
 * several rounds, each into a fresh table. It reports the CPU time of the threads doing the task's work (this one
 * and the sink's writer threads) per record, which other processes on a shared machine hardly change, and the
 * lowest and median of the rounds. A main, not a test; it helps compare one change of the sink's hot path with
 * another where {@link IcebergThroughputBenchmark}'s figures swing with the machine's load.
 *
 * <p>Arguments: [records per round (default 200000)] [rounds (default 7)].
 */
public final class SinkPutBenchmark {
    private SinkPutBenchmark() {}

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>(records);
        for (int seq = 0; seq < records; seq++) {
            input.add(TelemetryRecords.record("bench.mqtt.messages", seq));
        }
        Path work = Files.createTempDirectory("sink-put-bench");
        double[] micros = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            Path dir = work.resolve("round-" + round);
            Files.createDirectories(dir);
            Map<Long, Long> cpuStart = taskCpuNanos();
            long start = System.nanoTime();
            long cpu = cpuSince(cpuStart, runRound(input, settings(dir)));
            long elapsed = System.nanoTime() - start;
            micros[round] = cpu / 1e3 / records;
            System.out.printf(
                    "round %d: %.1f task CPU us/record, %.0f records/s%n",
                    round, micros[round], records / (elapsed / 1e9));
        }
        double[] sorted = micros.clone();
        Arrays.sort(sorted);
        System.out.printf(
                "task CPU us/record over %d rounds of %d records: lowest %.2f, median %.2f%n",
                rounds, records, sorted[0], sorted[rounds / 2]);
        System.exit(0);
    }

    /** Returns {@link #taskCpuNanos()} after the commit, before the sink's threads end. */
    private static Map<Long, Long> runRound(List<ProducerRecord<byte[], byte[]>> input, Map<String, String> settings) {
        AtomicLong rejected = new AtomicLong();
        KafkaPartition partition = new KafkaPartition("bench.mqtt.messages", 0);
        try (IcebergSink sink =
                new IcebergSink(new IcebergSinkConfig(settings), "bench", "task-0", Clock.systemUTC())) {
            sink.open(List.of(partition), Map.of());
            long offset = 0;
            for (ProducerRecord<byte[], byte[]> record : input) {
                SinkInput sinkInput = new SinkInput(
                        partition.topic(),
                        0,
                        offset++,
                        System.currentTimeMillis(),
                        MqttRecordReader.read(record.key(), record.value(), record.headers()));
                sink.put(sinkInput, reason -> rejected.incrementAndGet());
            }
            sink.commit();
            Map<Long, Long> cpu = taskCpuNanos();
            if (sink.metrics().recordsCommitted() != input.size() || rejected.get() != 0) {
                throw new IllegalStateException("committed " + sink.metrics().recordsCommitted() + " of " + input.size()
                        + ", rejected " + rejected.get());
            }
            return cpu;
        }
    }

    private static Map<String, String> settings(Path dir) {
        return Map.of(
                IcebergSinkConfig.CATALOG_URI_CONFIG, "jdbc:sqlite:" + dir.resolve("catalog.db"),
                IcebergSinkConfig.CATALOG_WAREHOUSE_CONFIG,
                        dir.resolve("warehouse").toString(),
                IcebergSinkConfig.TABLES_CONFIG, "iot.telemetry",
                IcebergSinkConfig.TOPIC_LEVELS_CONFIG, "source,site,device,kind",
                IcebergSinkConfig.PARTITION_BY_CONFIG, "day(kafka_ts), site",
                IcebergSinkConfig.COMMIT_INTERVAL_CONFIG, "600000");
    }

    /**
     * CPU time per thread of this thread and of the sink's writer threads (named {@code iceberg-writer-...}), by
     * thread id: {@link #cpuSince} subtracts two of them, so that a writer thread of an earlier sink that ends
     * meanwhile does not count.
     */
    static Map<Long, Long> taskCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        cpu.put(Thread.currentThread().getId(), threads.getCurrentThreadCpuTime());
        for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (thread != null && thread.getThreadName().startsWith("iceberg-writer-")) {
                cpu.put(thread.getThreadId(), Math.max(0, threads.getThreadCpuTime(thread.getThreadId())));
            }
        }
        return cpu;
    }

    /** The CPU time the threads of {@code end} spent since {@code start} (a thread new since then: all of it). */
    static long cpuSince(Map<Long, Long> start, Map<Long, Long> end) {
        long total = 0;
        for (Map.Entry<Long, Long> thread : end.entrySet()) {
            total += thread.getValue() - start.getOrDefault(thread.getKey(), 0L);
        }
        return total;
    }
}
