/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Analysts query the sink's tables with Spark SQL ({@code local[2]}, Iceberg's Spark runtime) through the same
 * JDBC catalog: the queries of docs/iceberg.md, section "query". Each subclass puts the lake somewhere else.
 * Upkeep runs last: it expires the snapshots that time travel reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SinkTablesInSparkSql {
    private static final String TELEMETRY = Lake.sparkName(Lake.TELEMETRY);
    private static final String LATEST = Lake.sparkName(Lake.LATEST);

    private Published published;
    private SparkSession spark;

    /** The catalog file and warehouse the sink writes and Spark reads. */
    abstract Lake openLake(Path work) throws Exception;

    /**
     * Whether the store takes S3FileIO's batch deletes, which expire_snapshots uses to remove the files it
     * expired. When it does not, the snapshots still expire and the files stay behind as orphans.
     */
    boolean storeTakesBatchDeletes() {
        return true;
    }

    /** Stops what {@link #openLake} started. */
    void closeLake() {}

    @BeforeAll
    void writeTheLakeThenOpenSpark(@TempDir Path work) throws Exception {
        Lake lake = openLake(work);
        // The writing part: swap this line for a run of the real connector that returns what it published.
        published = SinkTableWrites.write(lake, Reading.telemetryBatches());
        spark = LakeSpark.open(lake, work.resolve("spark"));
    }

    @AfterAll
    void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
        closeLake();
    }

    private List<Row> sql(String query) {
        return spark.sql(query).collectAsList();
    }

    private Map<String, Double> latestInTheTable() {
        Map<String, Double> latest = new TreeMap<>();
        for (Row row : sql("SELECT device, temperature FROM " + LATEST)) {
            assertThat(latest.put(row.getString(0), row.getDouble(1)))
                    .as("a second row for %s", row.getString(0))
                    .isNull();
        }
        return latest;
    }

    private Map<String, Double> averagesInTheTable() {
        Map<String, Double> averages = new TreeMap<>();
        sql("SELECT device, avg(temperature) FROM " + TELEMETRY + " GROUP BY device")
                .forEach(row -> averages.put(row.getString(0), row.getDouble(1)));
        return averages;
    }

    private void assertAveragesArePublished() {
        Map<String, Double> expected = published.averageTemperatureByDevice();
        Map<String, Double> actual = averagesInTheTable();
        assertThat(actual).containsOnlyKeys(expected.keySet());
        expected.forEach(
                (device, average) -> assertThat(actual.get(device)).as(device).isCloseTo(average, within(1e-9)));
    }

    @Test
    @Order(1)
    void perDeviceAveragesOfAJsonFieldEqualWhatWasPublished() {
        assertAveragesArePublished();
        assertThat(sql("SELECT count(*) FROM " + TELEMETRY).get(0).getLong(0))
                .isEqualTo(published.allReadings().size());
    }

    @Test
    @Order(1)
    void versionAsOfAnEarlierSnapshotReturnsTheEarlierRows() {
        List<Published.Commit> commits = published.telemetryCommits();
        assertThat(commits).hasSizeGreaterThanOrEqualTo(2);
        long expected = 0;
        for (Published.Commit commit : commits) {
            expected += commit.readings().size();
            assertThat(sql("SELECT count(*) FROM " + TELEMETRY + " VERSION AS OF " + commit.snapshotId())
                            .get(0)
                            .getLong(0))
                    .as("rows as of snapshot %d", commit.snapshotId())
                    .isEqualTo(expected);
        }
        Published.Commit first = commits.get(0);
        List<Long> firstOffsets = sql("SELECT kafka_offset FROM " + TELEMETRY + " VERSION AS OF " + first.snapshotId()
                        + " WHERE kafka_partition = 0 ORDER BY kafka_offset")
                .stream()
                .map(row -> row.getLong(0))
                .toList();
        assertThat(firstOffsets)
                .isEqualTo(first.readings().stream()
                        .filter(r -> r.partition() == 0)
                        .map(Reading::offset)
                        .toList());

        String firstCommitTime = sql("SELECT CAST(committed_at AS STRING) FROM " + TELEMETRY
                        + ".snapshots WHERE snapshot_id = " + first.snapshotId())
                .get(0)
                .getString(0);
        assertThat(sql("SELECT count(*) FROM " + TELEMETRY + " TIMESTAMP AS OF '" + firstCommitTime + "'")
                        .get(0)
                        .getLong(0))
                .as("rows as of %s", firstCommitTime)
                .isEqualTo(first.readings().size());

        // The snapshots table shows each commit with the Kafka offsets it covers (the exactly-once record).
        List<Row> snapshots = sql("SELECT snapshot_id, summary['tributary.offsets.lake-tests-telemetry'] FROM "
                + TELEMETRY + ".snapshots ORDER BY committed_at");
        assertThat(snapshots.stream().map(row -> row.getLong(0)).toList())
                .containsSubsequence(
                        commits.stream().map(Published.Commit::snapshotId).toList());
        assertThat(snapshots.get(snapshots.size() - 1).getString(1)).contains("\"mqtt.sensors-0\":16");
    }

    @Test
    @Order(1)
    void theUpsertTableHasExactlyOneRowPerDeviceWithItsLastValue() {
        assertThat(latestInTheTable()).isEqualTo(published.lastTemperatureByDevice());
    }

    @Test
    @Order(1)
    void mqttColumnsAreQueryable() {
        List<Reading> d3 = published.allReadings().stream()
                .filter(r -> r.device().equals("d3"))
                .toList();
        List<Row> rows = sql("SELECT topic, sensors, site, device, kind, client_id, qos, kafka_topic,"
                + " kafka_partition, kafka_offset, user_properties['unit'], user_properties['fw'], content_type,"
                + " battery.level, unix_millis(kafka_ts) FROM " + TELEMETRY
                + " WHERE device = 'd3' ORDER BY kafka_offset");
        assertThat(rows).hasSize(d3.size());
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            Reading reading = d3.get(i);
            assertThat(List.of(
                            row.getString(0),
                            row.getString(1),
                            row.getString(2),
                            row.getString(3),
                            row.getString(4),
                            row.getString(5)))
                    .containsExactly(reading.topic(), "sensors", "s2", "d3", "telemetry", "sensor-d3");
            assertThat(row.getInt(6)).isEqualTo(reading.qos());
            assertThat(row.getString(7)).isEqualTo(Reading.KAFKA_TOPIC);
            assertThat(row.getInt(8)).isEqualTo(reading.partition());
            assertThat(row.getLong(9)).isEqualTo(reading.offset());
            assertThat(List.of(row.getString(10), row.getString(11), row.getString(12)))
                    .containsExactly("celsius", Reading.FIRMWARE, "application/json");
            assertThat(row.getLong(13)).isEqualTo(reading.batteryLevel());
            assertThat(row.getLong(14)).isEqualTo(reading.timestampMs());
        }
        // A field only the last batch carried became a column; earlier rows have null there.
        long withPressure = published.allReadings().stream()
                .filter(r -> r.pressure() != null)
                .count();
        assertThat(sql("SELECT count(pressure) FROM " + TELEMETRY).get(0).getLong(0))
                .isEqualTo(withPressure);
    }

    @Test
    @Order(2)
    void compactionAndSnapshotExpiryWithSparkProceduresKeepEveryRow() {
        long filesBefore =
                sql("SELECT count(*) FROM " + TELEMETRY + ".files").get(0).getLong(0);

        Row rewrite = sql("CALL lake.system.rewrite_data_files(table => 'iot.telemetry',"
                        + " options => map('min-input-files', '2'))")
                .get(0);

        long filesAfter =
                sql("SELECT count(*) FROM " + TELEMETRY + ".files").get(0).getLong(0);
        assertThat(rewrite.getInt(0)).as("data files rewritten").isEqualTo(filesBefore);
        assertThat(filesAfter).isLessThan(filesBefore);
        assertAveragesArePublished();

        Row expire = sql("CALL lake.system.expire_snapshots(table => 'iot.telemetry',"
                        + " older_than => current_timestamp(), retain_last => 1)")
                .get(0);

        // The latest-value table: fold its equality deletes into new data files.
        Row latestRewrite = sql("CALL lake.system.rewrite_data_files(table => 'iot.latest',"
                        + " options => map('delete-file-threshold', '1', 'min-input-files', '2'))")
                .get(0);
        assertThat(latestRewrite.getInt(0))
                .as("data files of iot.latest rewritten")
                .isPositive();
        assertThat(latestInTheTable()).isEqualTo(published.lastTemperatureByDevice());

        if (storeTakesBatchDeletes()) {
            assertThat(expire.getLong(0)).as("data files deleted").isEqualTo(filesBefore);
        }
        assertThat(sql("SELECT count(*) FROM " + TELEMETRY + ".snapshots")
                        .get(0)
                        .getLong(0))
                .isEqualTo(1);
        assertAveragesArePublished();
    }
}
