/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.sink;

import static io.tributary.iceberg.sink.SinkFixtures.MESSAGES;
import static io.tributary.iceberg.sink.SinkFixtures.P0;
import static io.tributary.iceberg.sink.SinkFixtures.TEMPERATURE;
import static io.tributary.iceberg.sink.SinkFixtures.alternating;
import static io.tributary.iceberg.sink.SinkFixtures.input;
import static io.tributary.iceberg.sink.SinkFixtures.offsets;
import static io.tributary.iceberg.sink.SinkFixtures.rows;
import static io.tributary.iceberg.sink.SinkFixtures.settings;
import static io.tributary.iceberg.sink.SinkFixtures.sink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.iceberg.IcebergSinkConfig;
import io.tributary.iceberg.SinkInput;
import io.tributary.iceberg.sink.SinkFixtures.TestClock;
import io.tributary.iceberg.table.Catalogs;
import io.tributary.shard.testing.CapturedLogs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.types.Types;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another engine changes the sink's tables while it writes (docs/iceberg.md, section "Faults"): a table dropped
 * is created again and filled from the sink's last commit; a schema changed is refreshed, the record written or
 * rejected with the reason; never an exception the task would stop on, never a value in a wrong column.
 */
class OutsideChangesTest {
    @TempDir
    Path dir;

    private final TestClock clock = new TestClock();

    /** Another writer on the same catalog, as Spark would be. */
    private Catalog otherWriter(Map<String, String> settings) {
        return Catalogs.load(new IcebergSinkConfig(settings).catalogSettings());
    }

    private static List<Long> evens(long from, long to) {
        return LongStream.range(from, to).filter(o -> o % 2 == 0).boxed().toList();
    }

    private static List<Long> odds(long from, long to) {
        return LongStream.range(from, to).filter(o -> o % 2 == 1).boxed().toList();
    }

    @Test
    void aTableDroppedWhileTheSinkWritesIsCreatedAgainFromTheLastCommitWithAWarning() {
        Map<String, String> settings = settings(dir);
        // Offset 24 brings a new field: its schema change meets the dropped table inside put.
        SinkInput withNewField = input(0, 24, "site-1/device-0/temperature", "{\"reading\":24,\"unit\":\"C\"}");
        try (CapturedLogs logs = CapturedLogs.capture();
                IcebergSink sink = sink(settings, dir, "task-0", clock)) {
            sink.open(List.of(P0), Map.of());
            TaskLoop task = new TaskLoop(sink, offset -> offset == 24 ? withNewField : alternating(offset));
            task.deliverUntil(20);
            assertThat(task.commit()).isTrue();
            task.deliverUntil(24);

            otherWriter(settings).dropTable(TEMPERATURE, false);

            task.deliverAllUntil(40);
            assertThat(task.commit()).isTrue();
            assertThat(task.failures).singleElement().isInstanceOf(TableDroppedException.class);

            Table recreated = sink.table(TEMPERATURE).orElseThrow();
            // Rows committed before the drop went with the table; the rest landed once in the new one.
            assertThat(offsets(recreated)).isEqualTo(evens(20, 40));
            assertThat(offsets(sink.table(MESSAGES).orElseThrow())).isEqualTo(odds(0, 40));
            assertThat(rows(recreated))
                    .filteredOn(row -> row.getField("kafka_offset").equals(24L))
                    .singleElement()
                    .satisfies(row -> assertThat(row.getField("unit")).isEqualTo("C"));
            assertThat(task.connectCommitted).isEqualTo(40);
            assertThat(logs.lines())
                    .anySatisfy(line -> {
                        assertThat(line.level()).isEqualTo(Level.WARN);
                        assertThat(line.message())
                                .contains("Table iot.temperature was dropped outside the connector")
                                .contains("creating it again");
                    })
                    .noneMatch(CapturedLogs.Line::stackTrace);
        }
    }

    @Test
    void withoutAutoCreateADroppedTableStopsTheTaskNamingIt() {
        Map<String, String> settings = settings(dir);
        try (IcebergSink sink = sink(settings, dir, "task-0", clock)) {
            sink.open(List.of(P0), Map.of());
            TaskLoop task = new TaskLoop(sink, SinkFixtures::alternating);
            task.deliverUntil(4);
            task.commit();
        }
        settings.put(IcebergSinkConfig.AUTO_CREATE_CONFIG, "false");
        try (IcebergSink sink = sink(settings, dir, "task-0", clock)) {
            sink.open(List.of(P0), Map.of());
            // The consumer resumes at offset 3, where iot.temperature stands.
            sink.put(alternating(3), reason -> {});
            sink.put(alternating(4), reason -> {});
            assertThat(sink.takeRewinds()).isEmpty();
            otherWriter(settings).dropTable(TEMPERATURE, false);

            assertThatThrownBy(sink::commit)
                    .isInstanceOf(NoSuchTableException.class)
                    .hasMessageContaining("iot.temperature");
        }
    }

    /** {"reading": o, "level": o, "battery": ...} on site-1/device-1/temperature. */
    private static SinkInput reading(long offset, String extra) {
        String payload = "{\"reading\":" + offset + ",\"level\":" + offset + extra + "}";
        return input(0, offset, "site-1/device-1/temperature", payload);
    }

    @Test
    void columnsAddedWidenedRenamedOrDroppedByAnotherWriterNeverGiveAWrongValue() {
        Map<String, String> settings = settings(dir);
        try (IcebergSink sink = sink(settings, dir, "task-0", clock)) {
            sink.open(List.of(P0), Map.of());
            TaskLoop task = new TaskLoop(sink, offset -> switch ((int) offset) {
                case 7 -> reading(7, ",\"battery\":7,\"unit\":\"C\"");
                case 10 -> reading(10, ",\"battery\":3000000000");
                default -> reading(offset, offset < 5 ? "" : ",\"battery\":" + offset);
            });
            task.deliverUntil(5);
            task.commit();

            // Spark, say: a column added (int), one renamed, one dropped, one added whose type the payload contradicts.
            Catalog other = otherWriter(settings);
            other.loadTable(TEMPERATURE)
                    .updateSchema()
                    .addColumn("battery", Types.IntegerType.get())
                    .renameColumn("reading", "value")
                    .deleteColumn("level")
                    .addColumn("unit", Types.LongType.get())
                    .commit();
            // The sink's handle still has the old schema.
            task.deliverUntil(10);
            other.loadTable(TEMPERATURE)
                    .updateSchema()
                    .updateColumn("battery", Types.LongType.get())
                    .commit();
            task.deliverUntil(11);
            assertThat(task.commit()).isTrue();

            assertThat(task.failures).isEmpty();
            assertThat(task.rejected)
                    .singleElement()
                    .asString()
                    .contains("unit")
                    .contains("\"C\"");
            Table table = sink.table(TEMPERATURE).orElseThrow();
            List<Record> rows = rows(table);
            assertThat(offsets(table)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 8L, 9L, 10L);
            for (Record row : rows) {
                long offset = (Long) row.getField("kafka_offset");
                if (offset < 5) {
                    // Written before the rename: the renamed column holds them, as Iceberg renames work.
                    assertThat(row.getField("value")).isEqualTo(offset);
                    assertThat(row.getField("reading")).isNull();
                    assertThat(row.getField("level")).isNull();
                } else {
                    // Written after: the payload's names are columns again, new ones.
                    assertThat(row.getField("reading")).isEqualTo(offset);
                    assertThat(row.getField("value")).isNull();
                    assertThat(row.getField("level")).isEqualTo(offset);
                    assertThat(row.getField("battery")).isEqualTo(offset == 10 ? 3_000_000_000L : offset);
                }
            }
            assertThat(table.schema().findType("battery")).isEqualTo(Types.LongType.get());
            assertThat(task.connectCommitted).isEqualTo(11);
        }
    }
}
