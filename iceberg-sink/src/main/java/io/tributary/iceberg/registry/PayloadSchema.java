/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.registry;

import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Types;

/**
 * The payload columns of one registered schema, and how to read a payload written with it into them.
 *
 * <p>Every column is optional: an older or newer version of the subject may lack the field, and Iceberg adds
 * optional columns only. The field ids of {@link #columns()} are this schema's own: a table gives the columns it
 * adds ids of its own.
 */
public interface PayloadSchema {

    /** The registry id this is the schema of. */
    int id();

    /** The payload's top-level fields as columns, by their names in the schema. */
    Types.StructType columns();

    /**
     * The payload's values, as a record of {@link #columns()}.
     *
     * @param payload the whole Kafka value, wire-format prefix included
     * @throws UndecodablePayloadException when the body is not what the schema describes
     */
    GenericRecord decode(byte[] payload) throws UndecodablePayloadException;
}
