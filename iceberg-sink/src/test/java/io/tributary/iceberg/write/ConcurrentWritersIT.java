/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import static io.tributary.iceberg.write.TestTables.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two tasks of one connector write different Kafka partitions of one table and commit at the same
 * moment, round after round, each with its own table object. Iceberg's
 * optimistic commit retries let both land; each snapshot names only its writer's partitions, so the
 * offsets of both survive.
 */
class ConcurrentWritersIT {
    private static final String CONNECTOR = "iot-sink";
    private static final int ROUNDS = 6;
    private static final int ROWS_PER_ROUND = 20;

    @TempDir
    Path dir;

    @Test
    void twoWritersOfDifferentPartitionsCommitConcurrentlyAndKeepBothOffsets() throws Exception {
        KafkaPartition p0 = new KafkaPartition("mqtt.messages", 0);
        KafkaPartition p1 = new KafkaPartition("mqtt.messages", 1);
        // One catalog client with one connection: SQLite cannot serve concurrent writers from two
        // connections (a connection left holding its read lock after SQLITE_BUSY blocks the other).
        // The two tables are still loaded separately, so their commits race as two tasks' would.
        try (JdbcCatalog catalog = TestTables.catalog(dir)) {
            TestTables.create(catalog, TestTables.SCHEMA, PartitionSpec.unpartitioned());
            JdbcCatalog first = catalog;
            JdbcCatalog second = catalog;
            CyclicBarrier commitTogether = new CyclicBarrier(2);

            CompletableFuture<List<CommitResult>> task0 =
                    CompletableFuture.supplyAsync(() -> runTask(first, "task-0", p0, commitTogether));
            CompletableFuture<List<CommitResult>> task1 =
                    CompletableFuture.supplyAsync(() -> runTask(second, "task-1", p1, commitTogether));

            assertThat(task0.get(60, TimeUnit.SECONDS)).hasSize(ROUNDS);
            assertThat(task1.get(60, TimeUnit.SECONDS)).hasSize(ROUNDS);

            Table table = first.loadTable(TestTables.MESSAGES);
            long total = (long) ROUNDS * ROWS_PER_ROUND;
            assertThat(CommittedOffsets.read(table, CONNECTOR)).isEqualTo(Map.of(p0, total, p1, total));
            List<String> expected = new ArrayList<>(TestTables.expectedCoordinates(0, 0, total));
            expected.addAll(TestTables.expectedCoordinates(1, 0, total));
            assertThat(TestTables.coordinates(table))
                    .isEqualTo(expected.stream().sorted().toList());
            List<String> writers = new ArrayList<>();
            for (Snapshot snapshot : table.snapshots()) {
                writers.add(snapshot.summary().get(OffsetsSummary.WRITER_KEY));
            }
            assertThat(writers).hasSize(2 * ROUNDS).containsOnly("task-0", "task-1");
        }
    }

    private static List<CommitResult> runTask(
            JdbcCatalog catalog, String taskId, KafkaPartition partition, CyclicBarrier commitTogether) {
        Table table = catalog.loadTable(TestTables.MESSAGES);
        List<CommitResult> results = new ArrayList<>();
        try (TableWriter writer = new TableWriter(table, TableWriterConfig.append(CONNECTOR, taskId))) {
            long offset = writer.open(List.of(partition)).getOrDefault(partition, 0L);
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < ROWS_PER_ROUND; i++, offset++) {
                    writer.write(partition, offset, row(table, partition, offset));
                }
                commitTogether.await(30, TimeUnit.SECONDS);
                results.add(writer.commit().orElseThrow());
            }
        } catch (Exception e) {
            throw new IllegalStateException(taskId + " failed", e);
        }
        return results;
    }
}
