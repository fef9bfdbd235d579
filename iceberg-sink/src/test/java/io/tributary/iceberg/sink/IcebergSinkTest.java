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

import io.tributary.iceberg.IcebergSinkConfig;
import io.tributary.iceberg.sink.SinkFixtures.TestClock;
import io.tributary.iceberg.write.KafkaPartition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink without Connect: routing, table creation, schema evolution, rejections, commits and offsets. */
class IcebergSinkTest {
    @TempDir
    Path dir;

    private final TestClock clock = new TestClock();
    private final List<String> rejected = new ArrayList<>();

    private static List<Long> evens(long from, long to) {
        return LongStream.range(from, to).filter(o -> o % 2 == 0).boxed().toList();
    }

    private static List<Long> odds(long from, long to) {
        return LongStream.range(from, to).filter(o -> o % 2 == 1).boxed().toList();
    }

    private void feed(IcebergSink sink, long from, long to) {
        for (long offset = from; offset < to; offset++) {
            sink.put(alternating(offset), rejected::add);
        }
    }

    @Test
    void routesRecordsToAutoCreatedTablesWithMqttTopicLevelAndJsonColumns() {
        try (IcebergSink sink = sink(settings(dir), dir, "task-0", clock)) {
            assertThat(sink.open(List.of(P0), Map.of())).isEmpty();
            feed(sink, 0, 10);
            sink.commit();

            Table temperature = sink.table(TEMPERATURE).orElseThrow();
            Table messages = sink.table(MESSAGES).orElseThrow();
            assertThat(offsets(temperature)).isEqualTo(evens(0, 10));
            assertThat(offsets(messages)).isEqualTo(odds(0, 10));
            Record row = rows(temperature).stream()
                    .filter(r -> (Long) r.getField("kafka_offset") == 4L)
                    .findFirst()
                    .orElseThrow();
            assertThat(row.getField("topic")).isEqualTo("site-1/device-1/temperature");
            assertThat(row.getField("site")).isEqualTo("site-1");
            assertThat(row.getField("device")).isEqualTo("device-1");
            assertThat(row.getField("metric")).isEqualTo("temperature");
            assertThat(row.getField("client_id")).isEqualTo("client-4");
            assertThat(row.getField("reading")).isEqualTo(4L);
            assertThat(rejected).isEmpty();
            assertThat(sink.metrics().recordsCommitted()).isEqualTo(10);
            assertThat(sink.metrics().commits()).isEqualTo(2);
            assertThat(sink.metrics().lastSnapshotIds())
                    .containsEntry(
                            "iot.temperature", temperature.currentSnapshot().snapshotId())
                    .containsEntry("iot.messages", messages.currentSnapshot().snapshotId());
            assertThat(sink.metrics().filesWritten()).isGreaterThanOrEqualTo(2);
            assertThat(sink.metrics().bytesWritten()).isPositive();
        }
    }

    @Test
    void twoTablesFedByOnePartitionKeepEveryRecordOnceAcrossACrashBetweenTheirCommits() {
        Map<KafkaPartition, Long> connectCommitted;
        // The first task commits iot.temperature, then dies before committing iot.messages.
        IcebergSink crashed = sink(settings(dir), dir, "task-0", clock);
        crashed.open(List.of(P0), Map.of());
        feed(crashed, 0, 20);
        crashed.commit();
        connectCommitted = crashed.safeOffsets();
        assertThat(connectCommitted).containsEntry(P0, 20L);
        feed(crashed, 20, 40);
        crashed.commitOnly(TEMPERATURE);
        // What preCommit would report now: offset 21 (a humidity row) is pending in iot.messages.
        assertThat(crashed.safeOffsets()).containsEntry(P0, 21L);

        try (IcebergSink restarted = sink(settings(dir), dir, "task-0", clock)) {
            Map<KafkaPartition, Long> seek = restarted.open(List.of(P0), connectCommitted);
            // min(Connect's 20, temperature's 39, messages' 20)
            assertThat(seek).containsEntry(P0, 20L);
            feed(restarted, 20, 50);
            restarted.commit();

            assertThat(offsets(restarted.table(TEMPERATURE).orElseThrow())).isEqualTo(evens(0, 50));
            assertThat(offsets(restarted.table(MESSAGES).orElseThrow())).isEqualTo(odds(0, 50));
            // The temperatures 20..38 were already in their table: skipped, not written twice.
            assertThat(restarted.metrics().recordsSkipped()).isEqualTo(10);
            assertThat(restarted.safeOffsets()).containsEntry(P0, 50L);
        }
    }

    @Test
    void withoutConnectsOffsetTheFirstRecordDeliveredIsCheckedAgainstTheTables() {
        IcebergSink crashed = sink(settings(dir), dir, "task-0", clock);
        crashed.open(List.of(P0), Map.of());
        feed(crashed, 0, 20);
        crashed.commit();
        feed(crashed, 20, 30);
        crashed.commitOnly(MESSAGES); // odd offsets up to 29 in; temperatures 20..28 lost with the crash

        try (IcebergSink restarted = sink(settings(dir), dir, "task-0", clock)) {
            assertThat(restarted.open(List.of(P0), Map.of())).isEmpty();
            // The consumer resumes at Connect's offset, say 25: ahead of iot.temperature (19, after row 18).
            feed(restarted, 25, 30);
            assertThat(restarted.takeRewinds()).isEqualTo(Map.of(P0, 19L));
            assertThat(restarted.takeRewinds()).isEmpty();
            feed(restarted, 19, 40);
            restarted.commit();

            assertThat(offsets(restarted.table(TEMPERATURE).orElseThrow())).isEqualTo(evens(0, 40));
            assertThat(offsets(restarted.table(MESSAGES).orElseThrow())).isEqualTo(odds(0, 40));
        }
    }

    @Test
    void safeOffsetsStopAtTheFirstRowNotYetCommittedInAnyTable() {
        try (IcebergSink sink = sink(settings(dir), dir, "task-0", clock)) {
            sink.open(List.of(P0), Map.of());
            assertThat(sink.safeOffsets()).isEmpty();
            feed(sink, 0, 6);
            assertThat(sink.safeOffsets()).as("rows pending from offset 0").containsEntry(P0, 0L);
            sink.commitOnly(TEMPERATURE);
            assertThat(sink.safeOffsets()).containsEntry(P0, 1L);
            sink.commit();
            assertThat(sink.safeOffsets()).containsEntry(P0, 6L);
            // A rejected record needs no table: it is handled once it is reported.
            sink.put(input(0, 6, "site-1/device-1/temperature", "{\"reading\":\"warm\"}"), rejected::add);
            assertThat(sink.safeOffsets()).containsEntry(P0, 7L);
        }
    }

    @Test
    void typeConflictNonJsonAndUnroutedRecordsAreRejectedWithTheirReasonNeverThrown() {
        Map<String, String> settings = settings(dir);
        settings.put(IcebergSinkConfig.NON_JSON_CONFIG, "dlq");
        settings.put(IcebergSinkConfig.TABLES_CONFIG, "");
        try (IcebergSink sink = sink(settings, dir, "task-0", clock)) {
            sink.open(List.of(P0), Map.of());
            sink.put(input(0, 0, "s/d/temperature", "{\"reading\":20}"), rejected::add);
            sink.put(input(0, 1, "s/d/temperature", "{\"reading\":\"warm\"}"), rejected::add);
            sink.put(input(0, 2, "s/d/temperature", "warm"), rejected::add);
            sink.put(input(0, 3, "s/d/humidity", "{\"reading\":20}"), rejected::add);
            sink.reject(P0, 4, "record breaks the contract", rejected::add);
            sink.commit();

            assertThat(rejected).hasSize(4);
            assertThat(rejected.get(0)).contains("iot.temperature").contains("reading");
            assertThat(rejected.get(1)).contains("not JSON");
            assertThat(rejected.get(2)).contains("s/d/humidity").contains("no route");
            assertThat(rejected.get(3)).isEqualTo("record breaks the contract");
            assertThat(offsets(sink.table(TEMPERATURE).orElseThrow())).containsExactly(0L);
            assertThat(sink.metrics().recordsRejected()).isEqualTo(4);
            assertThat(sink.safeOffsets()).containsEntry(P0, 5L);
        }
    }

    @Test
    void twoTasksEvolvingOneTableConcurrentlyBothLandTheirRows() {
        KafkaPartition p1 = new KafkaPartition(SinkFixtures.KAFKA_TOPIC, 1);
        try (IcebergSink first = sink(settings(dir), dir, "task-0", clock);
                IcebergSink second = sink(settings(dir), dir, "task-1", clock)) {
            first.open(List.of(P0), Map.of());
            first.put(input(0, 0, "s/d/temperature", "{\"reading\":20}"), rejected::add);
            first.commit();
            second.open(List.of(p1), Map.of()); // loads the table as it is now
            first.put(input(0, 1, "s/d/temperature", "{\"reading\":21,\"unit\":\"C\"}"), rejected::add);
            // second's table handle predates the new column: its change loses, it refreshes and writes.
            second.put(input(1, 0, "s/d/temperature", "{\"reading\":22,\"unit\":\"F\",\"battery\":3}"), rejected::add);
            first.commit();
            second.commit();

            Table table = first.table(TEMPERATURE).orElseThrow();
            assertThat(rows(table))
                    .extracting(r -> r.getField("unit"), r -> r.getField("battery"))
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(null, null),
                            org.assertj.core.groups.Tuple.tuple("C", null),
                            org.assertj.core.groups.Tuple.tuple("F", 3L));
            assertThat(rejected).isEmpty();
        }
    }

    @Test
    void upsertKeepsOneRowPerDeviceWithItsLastValue() {
        Map<String, String> settings = settings(dir);
        settings.put(IcebergSinkConfig.UPSERT_CONFIG, "true");
        settings.put(IcebergSinkConfig.UPSERT_ID_COLUMNS_CONFIG, "device");
        try (IcebergSink sink = sink(settings, dir, "task-0", clock)) {
            sink.open(List.of(P0), Map.of());
            for (long offset = 0; offset < 30; offset++) {
                sink.put(
                        input(
                                0,
                                offset,
                                "site-1/device-" + (offset % 3) + "/temperature",
                                "{\"reading\":" + offset + "}"),
                        rejected::add);
                if (offset % 10 == 9) {
                    sink.commit();
                }
            }
            Table table = sink.table(TEMPERATURE).orElseThrow();
            assertThat(rows(table))
                    .extracting(r -> r.getField("device"), r -> r.getField("reading"))
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("device-0", 27L),
                            org.assertj.core.groups.Tuple.tuple("device-1", 28L),
                            org.assertj.core.groups.Tuple.tuple("device-2", 29L));
            assertThat(table.schema().identifierFieldNames()).containsExactly("device");
        }
    }

    @Test
    void commitsWhenTheIntervalHasPassedAndReportsTheLag() {
        try (IcebergSink sink = sink(settings(dir), dir, "task-0", clock)) {
            sink.open(List.of(P0), Map.of());
            feed(sink, 0, 4);
            clock.advance(9_999);
            assertThat(sink.commitDue()).isFalse();
            clock.advance(1);
            assertThat(sink.commitDue()).isTrue();
            assertThat(offsets(sink.table(TEMPERATURE).orElseThrow())).isEqualTo(evens(0, 4));
            // Record 0 carries timestamp T0; the commit happened at T0 + 10 s.
            assertThat(sink.metrics().lastCommitLagMs()).isEqualTo(10_000);
            assertThat(sink.commitDue()).isFalse();
        }
    }

    @Test
    void givingUpAPartitionCommitsItsRowsFirst() {
        try (IcebergSink sink = sink(settings(dir), dir, "task-0", clock)) {
            sink.open(List.of(P0), Map.of());
            feed(sink, 0, 10);
            assertThat(sink.close(List.of(P0))).isEmpty();
            assertThat(offsets(sink.table(TEMPERATURE).orElseThrow())).isEqualTo(evens(0, 10));
            assertThat(offsets(sink.table(MESSAGES).orElseThrow())).isEqualTo(odds(0, 10));
            assertThat(sink.safeOffsets()).isEmpty();
        }
    }
}
