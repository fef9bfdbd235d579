/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.sink;

import io.tributary.iceberg.IcebergSinkConfig;
import io.tributary.iceberg.SinkInput;
import io.tributary.iceberg.write.KafkaPartition;
import io.tributary.record.MqttRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/** A JDBC/SQLite catalog with a local warehouse, sink settings, records and a clock the test moves. */
final class SinkFixtures {
    static final String KAFKA_TOPIC = "mqtt.messages";
    static final KafkaPartition P0 = new KafkaPartition(KAFKA_TOPIC, 0);
    static final TableIdentifier MESSAGES = TableIdentifier.of("iot", "messages");
    static final TableIdentifier TEMPERATURE = TableIdentifier.of("iot", "temperature");
    static final long T0 = 1_767_225_600_000L;

    private SinkFixtures() {}

    /** Temperatures go to iot.temperature, everything else to iot.messages; topic levels site, device, metric. */
    static Map<String, String> settings(Path dir) {
        Map<String, String> settings = new HashMap<>();
        settings.put(IcebergSinkConfig.CATALOG_URI_CONFIG, "jdbc:sqlite:" + dir.resolve("catalog.db"));
        settings.put(
                IcebergSinkConfig.CATALOG_WAREHOUSE_CONFIG,
                dir.resolve("warehouse").toString());
        settings.put(IcebergSinkConfig.TABLES_CONFIG, MESSAGES.toString());
        settings.put(IcebergSinkConfig.ROUTES_CONFIG, "temperature");
        settings.put("iceberg.route.temperature.filter", "+/+/temperature");
        settings.put("iceberg.route.temperature.table", TEMPERATURE.toString());
        settings.put(IcebergSinkConfig.TOPIC_LEVELS_CONFIG, "site,device,metric");
        settings.put(IcebergSinkConfig.COMMIT_INTERVAL_CONFIG, "10000");
        return settings;
    }

    static IcebergSink sink(Map<String, String> settings, Path dir, String taskId, Clock clock) {
        // The production path: Catalogs.load, with its SQLite settings for several catalogs on one file.
        return new IcebergSink(new IcebergSinkConfig(settings), "lake-sink", taskId, clock);
    }

    /** Record {@code offset} of partition 0; even offsets are temperatures, odd ones humidity. */
    static SinkInput alternating(long offset) {
        String metric = offset % 2 == 0 ? "temperature" : "humidity";
        return input(0, offset, "site-1/device-" + (offset % 3) + "/" + metric, "{\"reading\":" + offset + "}");
    }

    static SinkInput input(int partition, long offset, String mqttTopic, String payload) {
        MqttRecord mqtt = new MqttRecord(
                mqttTopic,
                payload.getBytes(StandardCharsets.UTF_8),
                1,
                false,
                "client-" + offset,
                true,
                null,
                null,
                null,
                null,
                List.of());
        return new SinkInput(KAFKA_TOPIC, partition, offset, T0 + offset, mqtt);
    }

    static List<Record> rows(Table table) {
        table.refresh();
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> scan = IcebergGenerics.read(table).build()) {
            scan.forEach(row -> rows.add(row.copy()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** The Kafka offsets of the rows, sorted: each offset once means each record once. */
    static List<Long> offsets(Table table) {
        return rows(table).stream()
                .map(row -> (Long) row.getField("kafka_offset"))
                .sorted()
                .toList();
    }

    /** A clock that stands still until the test moves it. */
    static final class TestClock extends Clock {
        private Instant now = Instant.ofEpochMilli(T0);

        void advance(long millis) {
            now = now.plusMillis(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
