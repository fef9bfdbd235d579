/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/** A small MQTT-like table and a round trip through a data file written with Iceberg's generic writers. */
final class TableFixtures {
    static final Schema SCHEMA = new Schema(
            Types.NestedField.optional(1, "topic", Types.StringType.get()),
            Types.NestedField.required(2, "ts", Types.TimestampType.withZone()),
            Types.NestedField.optional(3, "site", Types.StringType.get()),
            Types.NestedField.optional(4, "temperature", Types.DoubleType.get()));

    static final OffsetDateTime TS = OffsetDateTime.of(2026, 12, 5, 12, 0, 0, 0, ZoneOffset.UTC);

    private TableFixtures() {}

    static Record row(Table table, String site, double temperature) {
        GenericRecord row = GenericRecord.create(table.schema());
        row.setField("topic", "sensors/" + site + "/temperature");
        row.setField("ts", TS);
        row.setField("site", site);
        row.setField("temperature", temperature);
        return row;
    }

    /** Writes the rows (all of one partition) to one Parquet file in the table's location and commits it. */
    static DataFile append(Table table, List<Record> rows) {
        PartitionKey partition = new PartitionKey(table.spec(), table.schema());
        partition.partition(new InternalRecordWrapper(table.schema().asStruct()).wrap(rows.get(0)));
        String name = UUID.randomUUID() + ".parquet";
        OutputFile file =
                table.io().newOutputFile(table.locationProvider().newDataLocation(table.spec(), partition, name));
        DataWriter<Record> writer;
        try {
            writer = Parquet.writeData(file)
                    .schema(table.schema())
                    .createWriterFunc(GenericParquetWriter::create)
                    .withSpec(table.spec())
                    .withPartition(table.spec().isUnpartitioned() ? null : partition)
                    .overwrite()
                    .build();
            try (writer) {
                rows.forEach(writer::write);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DataFile dataFile = writer.toDataFile();
        table.newAppend().appendFile(dataFile).commit();
        return dataFile;
    }

    static List<Record> readAll(Table table) {
        table.refresh();
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> scan = IcebergGenerics.read(table).build()) {
            scan.forEach(row -> rows.add(row.copy()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** Appends two rows and reads them back through a fresh scan. */
    static void assertRoundTrip(Table table) {
        DataFile file = append(table, List.of(row(table, "s1", 21.5), row(table, "s1", 22.0)));

        assertThat(file.location()).startsWith(table.location());
        assertThat(readAll(table))
                .extracting(row -> row.getField("site"), row -> row.getField("temperature"))
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("s1", 21.5),
                        org.assertj.core.groups.Tuple.tuple("s1", 22.0));
        assertThat(table.currentSnapshot().summary()).containsEntry("added-records", "2");
    }
}
