/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.FileAppenderFactory;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.PartitionedFanoutWriter;

/**
 * Appends rows of a partitioned table, one open file per partition: MQTT messages arrive in any
 * order of partitions (sites, days), so the rows cannot be expected clustered.
 */
final class PartitionedAppendWriter extends PartitionedFanoutWriter<Record> {
    private final RowPartitioner partitioner;

    PartitionedAppendWriter(
            PartitionSpec spec,
            Schema schema,
            FileFormat format,
            FileAppenderFactory<Record> appenders,
            OutputFileFactory files,
            FileIO io,
            long targetFileSizeBytes) {
        super(spec, format, appenders, files, io, targetFileSizeBytes);
        this.partitioner = new RowPartitioner(spec, schema);
    }

    @Override
    protected PartitionKey partition(Record row) {
        return partitioner.partition(row);
    }
}
