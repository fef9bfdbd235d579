/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry.columns;

import io.tributary.registry.RegisteredSchema;
import org.apache.avro.Schema;

/**
 * A registered Avro schema as the record whose fields are a payload's columns. The connectors map it themselves:
 * the tiering writers keep its Avro types as they are, the Iceberg sink maps them to Iceberg's (decimal, fixed and
 * Avro's logical types have no {@link ColumnType}).
 */
public final class AvroRecordSchemas {

    private AvroRecordSchemas() {}

    /**
     * Parses {@code schema} with the schemas it refers to by name.
     *
     * @throws IllegalArgumentException with the reason (to follow "schema id N") when it is no Avro record
     */
    public static Schema record(RegisteredSchema schema) {
        Schema record;
        try {
            Schema.Parser parser = new Schema.Parser();
            for (RegisteredSchema.Reference reference : schema.references()) {
                parser.parse(reference.text()); // its names become known to the parser
            }
            record = parser.parse(schema.text());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("is not an Avro schema: " + e.getMessage(), e);
        }
        if (record.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(
                    "is an Avro " + record.getType().getName() + ", not a record: it has no fields to be columns");
        }
        return record;
    }
}
