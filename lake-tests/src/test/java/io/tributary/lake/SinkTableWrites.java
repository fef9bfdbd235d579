/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.lake;

import io.tributary.iceberg.SinkInput;
import io.tributary.iceberg.row.Conversion;
import io.tributary.iceberg.row.RowConverter;
import io.tributary.iceberg.row.RowSettings;
import io.tributary.iceberg.row.SchemaPlan;
import io.tributary.iceberg.table.Catalogs;
import io.tributary.iceberg.table.PartitionSpecs;
import io.tributary.iceberg.table.TableProvisioner;
import io.tributary.iceberg.write.KafkaPartition;
import io.tributary.iceberg.write.TableWriter;
import io.tributary.iceberg.write.TableWriterConfig;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;

/**
 * Writes the lake the way the sink's task does, with the sink's own classes: each Kafka record becomes a row
 * ({@link RowConverter}, applying its schema plans), goes to a {@link TableWriter}, and each batch is one commit.
 * Two tables get the same messages, as two connectors on one topic would: {@link Lake#TELEMETRY} appended,
 * {@link Lake#LATEST} upserted by device.
 */
final class SinkTableWrites {
    private static final String CONNECTOR = "lake-tests";
    /** A schema change from another writer may need a second plan; more means a bug. */
    private static final int MAX_PLANS_PER_RECORD = 5;

    private SinkTableWrites() {}

    static Published write(Lake lake, List<List<Reading>> batches) {
        Catalog catalog = Catalogs.load(lake.sinkCatalogSettings());
        try {
            RowSettings rows = new RowSettings(
                    Arrays.asList(Lake.TOPIC_LEVELS.split(",")),
                    true,
                    RowSettings.PayloadFormat.JSON,
                    RowSettings.NonJsonPayload.REJECT,
                    "",
                    false);
            List<Long> snapshots = writeTable(
                    catalog,
                    Lake.TELEMETRY,
                    new RowConverter(rows),
                    TableWriterConfig.append(CONNECTOR + "-telemetry", "task-0"),
                    "day(kafka_ts), site",
                    List.of(),
                    batches);
            writeTable(
                    catalog,
                    Lake.LATEST,
                    new RowConverter(rows),
                    TableWriterConfig.upsert(CONNECTOR + "-latest", "task-0"),
                    "",
                    List.of("device"),
                    batches);
            List<Published.Commit> commits = new ArrayList<>();
            for (int i = 0; i < batches.size(); i++) {
                commits.add(new Published.Commit(snapshots.get(i), batches.get(i)));
            }
            return new Published(commits);
        } finally {
            close(catalog);
        }
    }

    /** One commit per batch; returns the snapshot ids. */
    private static List<Long> writeTable(
            Catalog catalog,
            TableIdentifier id,
            RowConverter converter,
            TableWriterConfig config,
            String partitionBy,
            List<String> idColumns,
            List<List<Reading>> batches) {
        Schema initial = converter.initialSchema(batches.get(0).get(0).toSinkInput());
        PartitionSpec spec =
                partitionBy.isBlank() ? PartitionSpec.unpartitioned() : PartitionSpecs.parse(initial, partitionBy);
        Table table = TableProvisioner.ensure(catalog, id, initial, spec, idColumns);
        List<Long> snapshots = new ArrayList<>();
        try (TableWriter writer = new TableWriter(table, config)) {
            for (List<Reading> batch : batches) {
                for (Reading reading : batch) {
                    SinkInput input = reading.toSinkInput();
                    writer.write(
                            new KafkaPartition(input.kafkaTopic(), input.partition()),
                            input.offset(),
                            row(converter, table, input));
                }
                snapshots.add(writer.commit().orElseThrow().snapshotId());
            }
        }
        return snapshots;
    }

    /** As the task does: apply each schema plan, refresh, convert again. */
    private static Record row(RowConverter converter, Table table, SinkInput input) {
        for (int plans = 0; plans <= MAX_PLANS_PER_RECORD; plans++) {
            Conversion conversion = converter.convert(input, table.schema());
            if (conversion instanceof Conversion.Row row) {
                return row.record();
            }
            if (conversion instanceof Conversion.Rejected rejected) {
                throw new IllegalStateException("the sink would dead-letter " + input + ": " + rejected.reason());
            }
            ((SchemaPlan) conversion).applyTo(table.updateSchema()).commit();
            table.refresh();
        }
        throw new IllegalStateException("no row for " + input + " after " + MAX_PLANS_PER_RECORD + " schema plans");
    }

    private static void close(Catalog catalog) {
        if (catalog instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
