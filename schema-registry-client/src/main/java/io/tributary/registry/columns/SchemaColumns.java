/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry.columns;

import io.tributary.registry.RegisteredSchema;

/**
 * A registered JSON Schema or Protobuf schema as payload columns, shared by the Iceberg sink and the tiering
 * writers, which map {@link ColumnType} to their own types. (Avro schemas each connector reads with Avro's own
 * types: the tiering writers keep them as they are.)
 */
public interface SchemaColumns {

    /**
     * The columns of {@code schema}.
     *
     * @throws IllegalArgumentException with the reason (to follow "schema id N") when the schema has no columns:
     *     not an object or message, a type no column holds, a reference that is not there
     */
    static SchemaColumns of(RegisteredSchema schema) {
        return switch (schema.format()) {
            case JSON -> new JsonSchemaColumns(schema);
            case PROTOBUF -> new ProtobufColumns(schema);
            case AVRO -> throw new IllegalArgumentException("is an Avro schema, which the connectors read themselves");
        };
    }

    /**
     * The columns of {@code payload}: the schema's, or for Protobuf those of the message its message indexes
     * name.
     *
     * @param payload the whole Kafka value, wire-format prefix included
     * @throws UndecodablePayloadException when the payload names a message the schema does not have
     */
    PayloadColumns forPayload(byte[] payload) throws UndecodablePayloadException;
}
