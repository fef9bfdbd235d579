/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.format;

import io.tributary.shard.record.ShardRecord;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * The columns of one tiered file, as an Avro record schema (Parquet files derive theirs from it), and how a record
 * becomes a row of them. A file has one: {@link MqttRecordSchema} for payloads as bytes or text, or one per
 * registered schema id when payloads in the Confluent wire format get typed columns.
 */
public interface RowSchema {

    Schema schema();

    /** Converts completely before anything is written, so a bad record never half-enters a file. */
    GenericRecord toAvro(ShardRecord record) throws BadRecordException;

    /**
     * What tells this schema's files apart from the other files of the same batch and directory, put before the
     * file name's extension: empty for the plain layout (whose names it must not change), {@code .schema-<id>}
     * for a registered schema. A function of the records alone, so a batch written again gets the same names.
     */
    String nameTag();
}
