/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.TaskWriter;
import org.apache.iceberg.io.UnpartitionedWriter;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.util.PropertyUtil;

/** Builds the Iceberg task writer for one batch of rows of one schema. */
final class TaskWriters {
    /** The prefix of every metrics mode property ({@code write.metadata.metrics.default}, {@code ...column.x}). */
    private static final String METRICS_PROPERTIES = "write.metadata.metrics.";

    private TaskWriters() {}

    static TaskWriter<Record> create(Table table, Schema schema, WriteMode mode, OutputFileFactory files) {
        PartitionSpec spec = table.spec();
        Map<String, String> properties = writerProperties(table.properties());
        FileFormat format = fileFormat(table);
        long targetFileSize = PropertyUtil.propertyAsLong(
                properties,
                TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
                TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
        if (mode == WriteMode.UPSERT) {
            Schema keySchema = keySchema(schema);
            GenericAppenderFactory appenders = new SinkAppenders(
                    table,
                    schema,
                    spec,
                    properties,
                    schema.identifierFieldIds().stream()
                            .mapToInt(Integer::intValue)
                            .toArray(),
                    keySchema);
            return new UpsertTaskWriter(spec, schema, keySchema, format, appenders, files, table.io(), targetFileSize);
        }
        GenericAppenderFactory appenders = new SinkAppenders(table, schema, spec, properties, null, null);
        if (spec.isUnpartitioned()) {
            return new UnpartitionedWriter<>(spec, format, appenders, files, table.io(), targetFileSize);
        }
        return new PartitionedAppendWriter(spec, schema, format, appenders, files, table.io(), targetFileSize);
    }

    /**
     * The table's properties for the file writers, minus its metrics modes ({@code write.metadata.metrics.*}):
     * the appender factory takes those from the table itself and refuses a writer configuration that repeats
     * them, so a table with a metrics mode set (the sink sets one for the raw payload, an analyst may set others)
     * could not be written otherwise.
     */
    static Map<String, String> writerProperties(Map<String, String> tableProperties) {
        Map<String, String> properties = new HashMap<>();
        tableProperties.forEach((key, value) -> {
            if (!key.startsWith(METRICS_PROPERTIES)) {
                properties.put(key, value);
            }
        });
        return properties;
    }

    /** The table's data file format (Parquet unless the table says otherwise). */
    static FileFormat fileFormat(Table table) {
        return FileFormat.fromString(PropertyUtil.propertyAsString(
                table.properties(), TableProperties.DEFAULT_FILE_FORMAT, TableProperties.DEFAULT_FILE_FORMAT_DEFAULT));
    }

    static Schema keySchema(Schema schema) {
        if (schema.identifierFieldIds().isEmpty()) {
            throw new IllegalStateException("Upsert needs identifier fields in the table schema (the key of a row),"
                    + " and this schema has none: " + schema);
        }
        return TypeUtil.select(schema, schema.identifierFieldIds());
    }
}
