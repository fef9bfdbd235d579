/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import static io.tributary.iceberg.write.TestTables.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpsertWriterTest {
    private static final KafkaPartition P0 = new KafkaPartition("mqtt.messages", 0);
    private static final List<String> DEVICES = List.of("dev-a", "dev-b", "dev-c");

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

    /** Writes {@code count} updates round-robin over the devices, each with its offset as value. */
    private static void writeUpdates(TableWriter writer, Table table, long fromOffset, long count) {
        for (long offset = fromOffset; offset < fromOffset + count; offset++) {
            String device = DEVICES.get((int) (offset % DEVICES.size()));
            writer.write(
                    P0, offset, row(table, device, "site-a", TestTables.T0.plusSeconds(offset), offset, P0, offset));
        }
    }

    private static Map<String, Double> latestByDevice(Table table) {
        List<Record> rows = TestTables.readAll(table);
        Map<String, Double> latest = new TreeMap<>();
        for (Record row : rows) {
            Double previous = latest.put((String) row.getField("device"), (Double) row.getField("value"));
            assertThat(previous)
                    .as("a second row for %s", row.getField("device"))
                    .isNull();
        }
        return latest;
    }

    @Test
    void manyUpdatesLeaveOneRowPerKeyWithTheLastValue() {
        Table table = TestTables.create(catalog, TestTables.KEYED_SCHEMA, PartitionSpec.unpartitioned());
        try (TableWriter writer = new TableWriter(table, TableWriterConfig.upsert("iot-latest", "task-0"))) {
            writeUpdates(writer, table, 0, 30); // ten updates per device inside one commit
            CommitResult first = writer.commit().orElseThrow();
            assertThat(first.deleteFiles()).isPositive();
            assertThat(latestByDevice(table)).isEqualTo(Map.of("dev-a", 27.0, "dev-b", 28.0, "dev-c", 29.0));

            writeUpdates(writer, table, 30, 4); // across commits: equality deletes reach older rows
            writer.commit();
            writeUpdates(writer, table, 34, 1);
            writer.commit();
        }
        assertThat(latestByDevice(table)).isEqualTo(Map.of("dev-a", 33.0, "dev-b", 34.0, "dev-c", 32.0));
    }

    @Test
    void aRedeliveredBatchAfterACrashLeavesOneRowPerKey() {
        Table table = TestTables.create(catalog, TestTables.KEYED_SCHEMA, PartitionSpec.unpartitioned());
        try (TableWriter writer = new TableWriter(table, TableWriterConfig.upsert("iot-latest", "task-0"))) {
            writeUpdates(writer, table, 0, 9);
            writer.commit();
        }
        // Crash before Connect committed its offsets: the restarted task gets 0..8 again, then more.
        Table reloaded = catalog.loadTable(TestTables.MESSAGES);
        try (TableWriter restarted = new TableWriter(reloaded, TableWriterConfig.upsert("iot-latest", "task-0"))) {
            assertThat(restarted.open(List.of(P0))).isEqualTo(Map.of(P0, 9L));
            writeUpdates(restarted, reloaded, 0, 11);
            assertThat(restarted.skippedRecords()).isEqualTo(9);
            restarted.commit();
        }
        assertThat(latestByDevice(table)).isEqualTo(Map.of("dev-a", 9.0, "dev-b", 10.0, "dev-c", 8.0));
    }

    @Test
    void theSameValuesWrittenTwiceAtNewOffsetsStayOneRowPerKey() {
        // A producer that resends (new offsets, same content) is not a re-delivery: the key still wins.
        Table table = TestTables.create(catalog, TestTables.KEYED_SCHEMA, PartitionSpec.unpartitioned());
        try (TableWriter writer = new TableWriter(table, TableWriterConfig.upsert("iot-latest", "task-0"))) {
            writeUpdates(writer, table, 0, 3);
            writer.commit();
            writeUpdates(writer, table, 3, 3);
            writer.commit();
        }
        assertThat(latestByDevice(table)).hasSize(3);
    }

    @Test
    void aPartitionedUpsertTableKeepsOneRowPerKey() {
        PartitionSpec spec = PartitionSpec.builderFor(TestTables.KEYED_SCHEMA)
                .identity("site")
                .build();
        Table table = TestTables.create(catalog, TestTables.KEYED_SCHEMA, spec);
        try (TableWriter writer = new TableWriter(table, TableWriterConfig.upsert("iot-latest", "task-0"))) {
            writeUpdates(writer, table, 0, 12);
            writer.commit();
            writeUpdates(writer, table, 12, 3);
            writer.commit();
        }
        assertThat(latestByDevice(table)).isEqualTo(Map.of("dev-a", 12.0, "dev-b", 13.0, "dev-c", 14.0));
    }

    @Test
    void upsertNeedsIdentifierFieldsAndFormatV2() {
        Table unkeyed = TestTables.create(catalog, TestTables.SCHEMA, PartitionSpec.unpartitioned());
        assertThatThrownBy(() -> new TableWriter(unkeyed, TableWriterConfig.upsert("iot-latest", "task-0")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("identifier fields");

        catalog.dropTable(TestTables.MESSAGES);
        Table v1 = catalog.createTable(
                TestTables.MESSAGES,
                TestTables.KEYED_SCHEMA,
                PartitionSpec.unpartitioned(),
                Map.of(TableProperties.FORMAT_VERSION, "1"));
        assertThatThrownBy(() -> new TableWriter(v1, TableWriterConfig.upsert("iot-latest", "task-0")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("format v2");
    }
}
