/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;

/** A real catalog for the writer tests: JDBC on SQLite, warehouse in a local directory. */
final class TestTables {
    static final TableIdentifier MESSAGES = TableIdentifier.of("iot", "messages");

    /** A small stand-in for the MQTT row (the row conversion is another package's job). */
    static final Schema SCHEMA = new Schema(
            List.of(
                    required(1, "device", Types.StringType.get()),
                    required(2, "site", Types.StringType.get()),
                    required(3, "ts", Types.TimestampType.withZone()),
                    optional(4, "value", Types.DoubleType.get()),
                    required(5, "kafka_partition", Types.IntegerType.get()),
                    required(6, "kafka_offset", Types.LongType.get())),
            Set.of());

    /** The same columns keyed by device: the "latest value per device" table. */
    static final Schema KEYED_SCHEMA = new Schema(SCHEMA.columns(), Set.of(1));

    static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    private TestTables() {}

    static JdbcCatalog catalog(Path dir) {
        JdbcCatalog catalog = new JdbcCatalog();
        catalog.setConf(new Configuration());
        catalog.initialize(
                "lake",
                Map.of(
                        CatalogProperties.URI,
                        "jdbc:sqlite:" + dir.resolve("catalog.db"),
                        CatalogProperties.WAREHOUSE_LOCATION,
                        dir.resolve("warehouse").toString(),
                        "jdbc.busy_timeout",
                        "10000"));
        return catalog;
    }

    static Table create(JdbcCatalog catalog, Schema schema, PartitionSpec spec) {
        if (!catalog.namespaceExists(Namespace.of("iot"))) {
            catalog.createNamespace(Namespace.of("iot"));
        }
        return catalog.createTable(MESSAGES, schema, spec, Map.of(TableProperties.FORMAT_VERSION, "2"));
    }

    static Record row(
            Table table, String device, String site, Instant ts, double value, KafkaPartition p, long offset) {
        GenericRecord row = GenericRecord.create(table.schema());
        row.setField("device", device);
        row.setField("site", site);
        row.setField("ts", OffsetDateTime.ofInstant(ts, ZoneOffset.UTC));
        row.setField("value", value);
        row.setField("kafka_partition", p.partition());
        row.setField("kafka_offset", offset);
        return row;
    }

    /** A row whose value is its offset, so a test can tell every record apart. */
    static Record row(Table table, KafkaPartition p, long offset) {
        return row(table, "dev-" + (offset % 3), "site-a", T0.plusSeconds(offset), offset, p, offset);
    }

    static List<Record> readAll(Table table) {
        table.refresh();
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            records.forEach(record -> rows.add(record.copy()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** "partition-offset" of every row read: each must appear once. */
    static List<String> coordinates(Table table) {
        return readAll(table).stream()
                .map(r -> r.getField("kafka_partition") + "-" + r.getField("kafka_offset"))
                .sorted()
                .toList();
    }

    static List<String> expectedCoordinates(int partition, long fromInclusive, long toExclusive) {
        List<String> expected = new ArrayList<>();
        for (long offset = fromInclusive; offset < toExclusive; offset++) {
            expected.add(partition + "-" + offset);
        }
        return expected.stream().sorted().toList();
    }

    static List<Path> dataFilesOnDisk(Path dir) {
        Path data = dir.resolve("warehouse").resolve("iot").resolve("messages").resolve("data");
        if (!Files.exists(data)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(f -> f.toString().endsWith(".parquet")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
