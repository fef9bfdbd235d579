/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.format;

import io.tributary.shard.record.ShardRecord;
import java.io.Closeable;
import java.io.IOException;

/** Appends records to one local file in one format. Not thread-safe; one per open file. */
public interface RecordFileWriter extends Closeable {
    /**
     * Appends one record.
     *
     * @throws BadRecordException if the record cannot be represented; the file is unchanged
     * @throws IOException if the local file cannot be written
     */
    void write(ShardRecord record) throws BadRecordException, IOException;

    /** Finishes the file (footers, compression trailers); the file is complete afterwards. */
    @Override
    void close() throws IOException;
}
