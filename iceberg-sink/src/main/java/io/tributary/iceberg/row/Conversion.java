/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import java.util.Objects;
import org.apache.iceberg.data.GenericRecord;

/**
 * What {@link RowConverter#convert} made of one record: a {@link Row} for the table's schema, a
 * {@link SchemaPlan} to apply before the record fits (then convert it again), or {@link Rejected}: the record
 * can never fit, and the reason says why (it goes to the dead-letter queue).
 */
public sealed interface Conversion permits Conversion.Row, SchemaPlan, Conversion.Rejected {

    /** The row, built against the schema passed to {@link RowConverter#convert}. */
    record Row(GenericRecord record) implements Conversion {
        public Row {
            Objects.requireNonNull(record, "record");
        }
    }

    /** The record cannot be written to this table: a type conflict, a payload that is not JSON (when so set)... */
    record Rejected(String reason) implements Conversion {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
