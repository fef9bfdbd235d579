/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.BaseTaskWriter;
import org.apache.iceberg.io.FileAppenderFactory;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.OutputFileFactory;

/**
 * Upserts rows keyed by the schema's identifier fields, one delta writer per partition.
 *
 * <p>Each row is written as "delete the key, insert the row". Iceberg's equality-delta writer turns
 * the delete into a position delete when the key was inserted earlier by this writer (same commit:
 * an equality delete of the same sequence number would not reach that row), and into an equality
 * delete otherwise, which removes the key's row of every earlier commit. So one commit leaves one
 * row per key, whatever the number of updates in it.
 */
final class UpsertTaskWriter extends BaseTaskWriter<Record> {
    private final Schema schema;
    private final Schema keySchema;
    private final KeyProjection keys;
    private final RowPartitioner partitioner;
    private final Map<PartitionKey, KeyedDeltaWriter> writers = new HashMap<>();

    UpsertTaskWriter(
            PartitionSpec spec,
            Schema schema,
            Schema keySchema,
            FileFormat format,
            FileAppenderFactory<Record> appenders,
            OutputFileFactory files,
            FileIO io,
            long targetFileSizeBytes) {
        super(spec, format, appenders, files, io, targetFileSizeBytes);
        this.schema = schema;
        this.keySchema = keySchema;
        this.keys = new KeyProjection(keySchema.asStruct());
        this.partitioner = new RowPartitioner(spec, schema);
    }

    @Override
    public void write(Record row) throws IOException {
        KeyedDeltaWriter writer = writerFor(row);
        writer.deleteKey(keys.project(row));
        writer.write(row);
    }

    private KeyedDeltaWriter writerFor(Record row) {
        PartitionKey partitionKey = partitioner.partition(row);
        KeyedDeltaWriter writer = writers.get(partitionKey);
        if (writer == null) {
            PartitionKey copy = partitionKey.copy();
            // An unpartitioned table's files go straight under data/, which a null partition says.
            writer = new KeyedDeltaWriter(spec().isUnpartitioned() ? null : copy);
            writers.put(copy, writer);
        }
        return writer;
    }

    @Override
    public void close() throws IOException {
        try {
            for (KeyedDeltaWriter writer : writers.values()) {
                writer.close();
            }
        } finally {
            writers.clear();
        }
    }

    private final class KeyedDeltaWriter extends BaseEqualityDeltaWriter {
        private final InternalRecordWrapper rowValues = new InternalRecordWrapper(schema.asStruct());
        private final InternalRecordWrapper keyValues = new InternalRecordWrapper(keySchema.asStruct());

        KeyedDeltaWriter(StructLike partition) {
            super(partition, schema, keySchema);
        }

        @Override
        protected StructLike asStructLike(Record row) {
            return rowValues.wrap(row);
        }

        @Override
        protected StructLike asStructLikeKey(Record key) {
            return keyValues.wrap(key);
        }
    }
}
