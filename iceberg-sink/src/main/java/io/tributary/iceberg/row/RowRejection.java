/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

/**
 * Thrown inside the converter when a record cannot fit the table; {@link RowConverter} turns it into
 * {@link Conversion.Rejected}. Without a stack trace: it is a verdict on data, not a bug, and may be frequent.
 */
final class RowRejection extends RuntimeException {
    RowRejection(String reason) {
        super(reason, null, false, false);
    }
}
