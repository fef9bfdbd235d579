/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/** Copies a row's identifier fields into a key record, the row an equality delete file holds. */
final class KeyProjection {
    private final Types.StructType keyType;

    KeyProjection(Types.StructType keyType) {
        this.keyType = keyType;
    }

    Record project(Record row) {
        return project(row, keyType);
    }

    // Identifier fields may sit inside structs; the key keeps only the selected nested fields.
    private static Record project(Record source, Types.StructType type) {
        GenericRecord key = GenericRecord.create(type);
        for (Types.NestedField field : type.fields()) {
            Object value = source.getField(field.name());
            if (value != null && field.type().isStructType()) {
                value = project((Record) value, field.type().asStructType());
            }
            key.setField(field.name(), value);
        }
        return key;
    }
}
