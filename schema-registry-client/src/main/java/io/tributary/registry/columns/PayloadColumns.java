/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry.columns;

import java.util.List;

/**
 * The columns of the payloads of one registered schema (of one Protobuf message of it), and the reader of a
 * payload into them. Not thread-safe: one per connector task.
 */
public interface PayloadColumns {

    /** The registry id this is the schema of. */
    int schemaId();

    /**
     * Which part of the schema the columns are of, when the schema has several: empty for Avro and JSON Schema
     * and for a Protobuf file's first message, else the Protobuf message's full name. A file writer keeps the
     * rows of each apart.
     */
    String variant();

    /** The payload's top-level fields. */
    ColumnType.Struct columns();

    /**
     * The payload's values, one for each of {@link #columns()}' fields in order (see {@link ColumnType} for their
     * Java types).
     *
     * @param payload the whole Kafka value, wire-format prefix included
     * @throws UndecodablePayloadException when the body is not what the schema describes
     */
    List<Object> decode(byte[] payload) throws UndecodablePayloadException;
}
