/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.registry;

import io.tributary.shard.format.BadRecordException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * The payload of one registered schema as Avro: a record schema whose fields become a file's payload columns, and
 * the reader of payloads written with it. Not thread-safe (readers reuse their decoders): one per task.
 */
interface RegisteredPayload {

    /** The registry id this is the schema of. */
    int schemaId();

    /**
     * Which part of the schema the columns are of: empty but for a Protobuf message other than the file's first
     * (its full name). Rows of each part go to files of their own.
     */
    default String variant() {
        return "";
    }

    /** An Avro record: its fields, in order, are the payload columns. */
    Schema record();

    /**
     * The payload's values, as a record of {@link #record()}.
     *
     * @param payload the whole Kafka value, wire-format prefix included
     * @throws BadRecordException when the body is not what the schema describes
     */
    GenericRecord decode(byte[] payload) throws BadRecordException;
}
