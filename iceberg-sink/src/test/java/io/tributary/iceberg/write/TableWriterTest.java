/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import static io.tributary.iceberg.write.TestTables.coordinates;
import static io.tributary.iceberg.write.TestTables.expectedCoordinates;
import static io.tributary.iceberg.write.TestTables.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableWriterTest {
    private static final KafkaPartition P0 = new KafkaPartition("mqtt.messages", 0);
    private static final KafkaPartition P1 = new KafkaPartition("mqtt.messages", 1);

    @TempDir
    Path dir;

    private JdbcCatalog catalog;

    @BeforeEach
    void openCatalog() {
        catalog = TestTables.catalog(dir);
    }

    @AfterEach
    void closeCatalog() throws Exception {
        catalog.close();
    }

    @Test
    void rowsCommittedInOneSnapshotAreReadBack() {
        Table table = TestTables.create(catalog, TestTables.SCHEMA, PartitionSpec.unpartitioned());
        try (TableWriter writer = new TableWriter(table, TableWriterConfig.append("iot-sink", "task-0"))) {
            for (long offset = 0; offset < 10; offset++) {
                assertThat(writer.write(P0, offset, row(table, P0, offset))).isTrue();
            }
            assertThat(coordinates(table)).isEmpty();

            CommitResult result = writer.commit().orElseThrow();

            assertThat(result.records()).isEqualTo(10);
            assertThat(result.dataFiles()).isEqualTo(1);
            assertThat(result.nextOffsets()).isEqualTo(Map.of(P0, 10L));
            assertThat(writer.committedOffsets()).isEqualTo(Map.of(P0, 10L));
            assertThat(writer.uncommittedRecords()).isZero();
        }
        assertThat(coordinates(table)).isEqualTo(expectedCoordinates(0, 0, 10));
        assertThat(table.snapshots()).hasSize(1);
    }

    @Test
    void theSnapshotSummaryHoldsTheNextOffsetPerPartition() {
        Table table = TestTables.create(catalog, TestTables.SCHEMA, PartitionSpec.unpartitioned());
        try (TableWriter writer = new TableWriter(table, TableWriterConfig.append("iot-sink", "task-0"))) {
            writer.write(P0, 41, row(table, P0, 41));
            writer.write(P1, 7, row(table, P1, 7));
            writer.write(P1, 9, row(table, P1, 9)); // a gap (a compacted or transactional topic) is fine
            writer.commit();
        }

        Map<String, String> summary = table.currentSnapshot().summary();
        assertThat(summary)
                .containsEntry("tributary.offsets.iot-sink", "{\"mqtt.messages-0\":42,\"mqtt.messages-1\":10}")
                .containsEntry("tributary.writer", "task-0")
                .containsKey("tributary.commit-id");
        assertThat(CommittedOffsets.read(table, "iot-sink")).isEqualTo(Map.of(P0, 42L, P1, 10L));
        assertThat(CommittedOffsets.read(table, "another-connector")).isEmpty();
    }

    @Test
    void nothingWrittenCommitsNothing() {
        Table table = TestTables.create(catalog, TestTables.SCHEMA, PartitionSpec.unpartitioned());
        try (TableWriter writer = new TableWriter(table, TableWriterConfig.append("iot-sink", "task-0"))) {
            assertThat(writer.commit()).isEmpty();
        }
        table.refresh();
        assertThat(table.currentSnapshot()).isNull();
    }

    @Test
    void aRestartedWriterResumesFromTheTableAndSkipsWhatItHolds() {
        Table table = TestTables.create(catalog, TestTables.SCHEMA, PartitionSpec.unpartitioned());
        try (TableWriter first = new TableWriter(table, TableWriterConfig.append("iot-sink", "task-0"))) {
            for (long offset = 0; offset < 5; offset++) {
                first.write(P0, offset, row(table, P0, offset));
            }
            first.commit();
        }

        Table reloaded = catalog.loadTable(TestTables.MESSAGES);
        try (TableWriter second = new TableWriter(reloaded, TableWriterConfig.append("iot-sink", "task-1"))) {
            assertThat(second.open(List.of(P0, P1))).isEqualTo(Map.of(P0, 5L));
            // Connect re-delivers from its own (older) offset: the table's rows are skipped.
            for (long offset = 0; offset < 10; offset++) {
                assertThat(second.write(P0, offset, row(reloaded, P0, offset))).isEqualTo(offset >= 5);
            }
            assertThat(second.skippedRecords()).isEqualTo(5);
            second.commit();
        }
        assertThat(coordinates(table)).isEqualTo(expectedCoordinates(0, 0, 10));
    }

    @Test
    void theNewestSnapshotNamingAPartitionWins() {
        Table table = TestTables.create(catalog, TestTables.SCHEMA, PartitionSpec.unpartitioned());
        try (TableWriter writer = new TableWriter(table, TableWriterConfig.append("iot-sink", "task-0"))) {
            writer.write(P0, 0, row(table, P0, 0));
            writer.write(P1, 0, row(table, P1, 0));
            writer.commit();
            writer.write(P0, 1, row(table, P0, 1));
            writer.commit();
            writer.write(P0, 2, row(table, P0, 2));
            writer.commit();
        }
        assertThat(CommittedOffsets.read(table, "iot-sink")).isEqualTo(Map.of(P0, 3L, P1, 1L));
        assertThat(CommittedOffsets.read(table, "iot-sink", List.of(P1))).isEqualTo(Map.of(P1, 1L));
    }

    @Test
    void aPartitionedTableGetsOneFilePerPartition() throws Exception {
        PartitionSpec spec = PartitionSpec.builderFor(TestTables.SCHEMA)
                .identity("site")
                .day("ts")
                .build();
        Table table = TestTables.create(catalog, TestTables.SCHEMA, spec);
        try (TableWriter writer = new TableWriter(table, TableWriterConfig.append("iot-sink", "task-0"))) {
            long offset = 0;
            // Interleaved sites and days: the fanout writer keeps a file open per partition.
            for (int i = 0; i < 3; i++) {
                for (String site : List.of("site-a", "site-b")) {
                    for (Duration day : List.of(Duration.ZERO, Duration.ofDays(1))) {
                        writer.write(P0, offset, row(table, "dev", site, TestTables.T0.plus(day), i, P0, offset));
                        offset++;
                    }
                }
            }
            assertThat(writer.commit().orElseThrow().dataFiles()).isEqualTo(4);
        }

        assertThat(coordinates(table)).isEqualTo(expectedCoordinates(0, 0, 12));
        Set<String> partitions;
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            partitions = java.util.stream.StreamSupport.stream(tasks.spliterator(), false)
                    .map(task -> table.spec().partitionToPath(task.file().partition()))
                    .collect(Collectors.toSet());
        }
        assertThat(partitions)
                .containsExactlyInAnyOrder(
                        "site=site-a/ts_day=2025-03-01",
                        "site=site-a/ts_day=2025-03-02",
                        "site=site-b/ts_day=2025-03-01",
                        "site=site-b/ts_day=2025-03-02");
        // Filtering on the partition reads one site only.
        assertThat(TestTables.readAll(table).stream()
                        .filter(r -> r.getField("site").equals("site-b")))
                .hasSize(6);
    }

    @Test
    void rowsOfAnEvolvedSchemaJoinTheSameCommit() {
        Table table = TestTables.create(catalog, TestTables.SCHEMA, PartitionSpec.unpartitioned());
        try (TableWriter writer = new TableWriter(table, TableWriterConfig.append("iot-sink", "task-0"))) {
            writer.write(P0, 0, row(table, P0, 0));
            // The row converter adds a column for a new payload field.
            table.updateSchema().addColumn("unit", Types.StringType.get()).commit();
            Record evolved = GenericRecord.create(table.schema());
            Record old = row(table, P0, 1);
            for (Types.NestedField field : TestTables.SCHEMA.columns()) {
                evolved.setField(field.name(), old.getField(field.name()));
            }
            evolved.setField("unit", "C");
            writer.write(P0, 1, evolved);

            CommitResult result = writer.commit().orElseThrow();
            assertThat(result.dataFiles()).isEqualTo(2);
        }
        assertThat(table.snapshots()).hasSize(1);
        assertThat(TestTables.readAll(table))
                .extracting(r -> r.getField("kafka_offset") + ":" + r.getField("unit"))
                .containsExactlyInAnyOrder("0:null", "1:C");
    }

    @Test
    void aRowOfAnotherTableIsRefused() {
        Table table = TestTables.create(catalog, TestTables.SCHEMA, PartitionSpec.unpartitioned());
        Record stranger = GenericRecord.create(
                new org.apache.iceberg.Schema(Types.NestedField.required(1, "something", Types.StringType.get())));
        try (TableWriter writer = new TableWriter(table, TableWriterConfig.append("iot-sink", "task-0"))) {
            assertThatThrownBy(() -> writer.write(P0, 0, stranger))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a schema of table");
            assertThatThrownBy(writer::commit).isInstanceOf(IllegalStateException.class);
            writer.abort();
            assertThat(writer.commit()).isEmpty();
        }
        Snapshot none = table.currentSnapshot();
        assertThat(none).isNull();
    }
}
