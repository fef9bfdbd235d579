/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import static io.tributary.iceberg.write.TestTables.coordinates;
import static io.tributary.iceberg.write.TestTables.expectedCoordinates;
import static io.tributary.iceberg.write.TestTables.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.iceberg.write.FailingTableOperations.Failure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each crash point of the commit protocol, against a real catalog: after every one of them the
 * table holds each record exactly once.
 *
 * <p>A "task" here is what a Connect sink task does with the writer: seek to the table's offsets (or
 * Connect's when the table has none), write what the consumer delivers, commit to the table, then
 * report the table's offsets to Connect. {@link #connectOffset} plays Connect's committed offset.
 */
class CrashPointMatrixIT {
    private static final KafkaPartition P0 = new KafkaPartition("mqtt.messages", 0);
    private static final String CONNECTOR = "iot-sink";

    @TempDir
    Path dir;

    private JdbcCatalog catalog;
    private long connectOffset;

    @BeforeEach
    void createTable() {
        catalog = TestTables.catalog(dir);
        TestTables.create(catalog, TestTables.SCHEMA, PartitionSpec.unpartitioned());
    }

    @AfterEach
    void closeCatalog() throws Exception {
        catalog.close();
    }

    private Table loadTable() {
        return catalog.loadTable(TestTables.MESSAGES);
    }

    /** A (re)started task: where its consumer starts, as the task would seek it. */
    private long startOffset(TableWriter writer) {
        return writer.open(List.of(P0)).getOrDefault(P0, connectOffset);
    }

    /** The consumer delivers {@code from} until {@code to} (exclusive). */
    private static void deliver(TableWriter writer, long from, long to) {
        for (long offset = from; offset < to; offset++) {
            writer.write(P0, offset, row(writer.table(), P0, offset));
        }
    }

    /** Connect commits what the task reports in preCommit: the table's offsets. */
    private void connectCommits(TableWriter writer) {
        connectOffset = writer.committedOffsets().getOrDefault(P0, connectOffset);
    }

    @Test
    void crashAfterFilesWrittenBeforeTheCommit() {
        FailingTableOperations ops = FailingTableOperations.around(loadTable());
        TableWriter crashing =
                new TableWriter(ops.table("lake.iot.messages"), TableWriterConfig.append(CONNECTOR, "t0"));
        deliver(crashing, startOffset(crashing), 10);
        ops.failNext(Failure.BEFORE_LANDING, 1);
        assertThatThrownBy(crashing::commit).hasMessageContaining("catalog unreachable");
        // The process dies here: no abort, the closed files stay on disk but not in the table.
        assertThat(TestTables.dataFilesOnDisk(dir)).isNotEmpty();
        assertThat(coordinates(loadTable())).isEmpty();

        try (TableWriter restarted = new TableWriter(loadTable(), TableWriterConfig.append(CONNECTOR, "t0"))) {
            assertThat(startOffset(restarted)).isZero();
            deliver(restarted, 0, 15);
            restarted.commit();
            connectCommits(restarted);
        }
        assertThat(coordinates(loadTable())).isEqualTo(expectedCoordinates(0, 0, 15));
        assertThat(connectOffset).isEqualTo(15);
    }

    @Test
    void crashAfterTheTableCommitBeforeConnectCommitsItsOffsets() {
        try (TableWriter first = new TableWriter(loadTable(), TableWriterConfig.append(CONNECTOR, "t0"))) {
            deliver(first, startOffset(first), 10);
            first.commit();
            connectCommits(first);
            deliver(first, 10, 20);
            first.commit();
            // The process dies before Connect's offset commit: Connect still says 10.
        }
        assertThat(connectOffset).isEqualTo(10);

        try (TableWriter restarted = new TableWriter(loadTable(), TableWriterConfig.append(CONNECTOR, "t0"))) {
            assertThat(startOffset(restarted)).isEqualTo(20);
            // Even a task that ignored the seek and took Connect's offset skips what the table has.
            deliver(restarted, connectOffset, 25);
            assertThat(restarted.skippedRecords()).isEqualTo(10);
            restarted.commit();
            connectCommits(restarted);
        }
        assertThat(coordinates(loadTable())).isEqualTo(expectedCoordinates(0, 0, 25));
        assertThat(connectOffset).isEqualTo(25);
    }

    @Test
    void aCommitThatFailedBeforeLandingIsTriedAgainWithTheSameFiles() {
        FailingTableOperations ops = FailingTableOperations.around(loadTable());
        try (TableWriter writer =
                new TableWriter(ops.table("lake.iot.messages"), TableWriterConfig.append(CONNECTOR, "t0"))) {
            deliver(writer, startOffset(writer), 10);
            ops.failNext(Failure.BEFORE_LANDING, 1);
            assertThatThrownBy(writer::commit).hasMessageContaining("catalog unreachable");
            assertThat(writer.uncommittedRecords()).isEqualTo(10);
            List<Path> filesAfterFailure = TestTables.dataFilesOnDisk(dir);

            deliver(writer, 10, 12); // the task goes on; the next commit takes both
            CommitResult result = writer.commit().orElseThrow();

            assertThat(result.nextOffsets()).isEqualTo(Map.of(P0, 12L));
            assertThat(TestTables.dataFilesOnDisk(dir)).containsAll(filesAfterFailure);
        }
        assertThat(coordinates(loadTable())).isEqualTo(expectedCoordinates(0, 0, 12));
    }

    @Test
    void aCommitWhoseAnswerWasLostIsFoundInTheTableNotCommittedTwice() {
        FailingTableOperations ops = FailingTableOperations.around(loadTable());
        try (TableWriter writer =
                new TableWriter(ops.table("lake.iot.messages"), TableWriterConfig.append(CONNECTOR, "t0"))) {
            deliver(writer, startOffset(writer), 10);
            ops.failNext(Failure.AFTER_LANDING, 1);

            CommitResult result = writer.commit().orElseThrow();

            assertThat(result.nextOffsets()).isEqualTo(Map.of(P0, 10L));
        }
        Table table = loadTable();
        assertThat(table.snapshots()).hasSize(1);
        assertThat(coordinates(table)).isEqualTo(expectedCoordinates(0, 0, 10));
    }

    @Test
    void crashAfterALostCommitAnswerResumesFromTheTable() {
        FailingTableOperations ops = FailingTableOperations.around(loadTable());
        TableWriterConfig oneAttempt = new TableWriterConfig(CONNECTOR, "t0", WriteMode.APPEND, 1);
        TableWriter crashing = new TableWriter(ops.table("lake.iot.messages"), oneAttempt);
        deliver(crashing, startOffset(crashing), 10);
        ops.failNext(Failure.AFTER_LANDING, 1);
        assertThatThrownBy(crashing::commit).isInstanceOf(CommitStateUnknownException.class);
        // The process dies: Connect never heard of offset 10.

        try (TableWriter restarted = new TableWriter(loadTable(), TableWriterConfig.append(CONNECTOR, "t0"))) {
            assertThat(startOffset(restarted)).isEqualTo(10);
            deliver(restarted, connectOffset, 14);
            restarted.commit();
        }
        assertThat(coordinates(loadTable())).isEqualTo(expectedCoordinates(0, 0, 14));
    }

    @Test
    void abortAfterAFailedCommitDeletesItsFilesAndRewinds() throws Exception {
        FailingTableOperations ops = FailingTableOperations.around(loadTable());
        try (TableWriter writer =
                new TableWriter(ops.table("lake.iot.messages"), TableWriterConfig.append(CONNECTOR, "t0"))) {
            deliver(writer, startOffset(writer), 10);
            // The catalog stays unreachable: the task gives up on this batch.
            ops.failNext(Failure.BEFORE_LANDING, 100);
            assertThatThrownBy(writer::commit).hasMessageContaining("catalog unreachable");
            deliver(writer, 10, 13);

            Map<KafkaPartition, Long> rewindTo = writer.abort();

            assertThat(rewindTo).isEqualTo(Map.of(P0, 0L));
            assertThat(TestTables.dataFilesOnDisk(dir)).isEmpty();
            ops.failNext(Failure.NONE, 0);
            deliver(writer, rewindTo.get(P0), 13);
            writer.commit();
        }
        assertThat(coordinates(loadTable())).isEqualTo(expectedCoordinates(0, 0, 13));
    }

    @Test
    void abortAfterALostAnswerKeepsTheLandedCommit() {
        FailingTableOperations ops = FailingTableOperations.around(loadTable());
        TableWriterConfig oneAttempt = new TableWriterConfig(CONNECTOR, "t0", WriteMode.APPEND, 1);
        try (TableWriter writer = new TableWriter(ops.table("lake.iot.messages"), oneAttempt)) {
            deliver(writer, startOffset(writer), 10);
            ops.failNext(Failure.AFTER_LANDING, 1);
            assertThatThrownBy(writer::commit).isInstanceOf(CommitStateUnknownException.class);

            Map<KafkaPartition, Long> rewindTo = writer.abort();

            assertThat(rewindTo).isEqualTo(Map.of(P0, 10L));
            assertThat(writer.committedOffsets()).isEqualTo(Map.of(P0, 10L));
        }
        Table table = loadTable();
        Snapshot snapshot = table.currentSnapshot();
        assertThat(snapshot.addedDataFiles(table.io()))
                .allSatisfy(file -> assertThat(Files.exists(
                                Path.of(java.net.URI.create(file.location()).getPath())))
                        .isTrue());
        assertThat(coordinates(table)).isEqualTo(expectedCoordinates(0, 0, 10));
    }
}
