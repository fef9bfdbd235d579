/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.sink;

import org.apache.iceberg.catalog.TableIdentifier;

/**
 * A table the sink was writing disappeared from the catalog (dropped, or dropped and created anew, by someone
 * else). The sink has forgotten it and dropped its uncommitted rows; the next record for it creates it again.
 * Not an Iceberg {@code NoSuchTableException} on purpose: the task rides this out instead of failing.
 */
public final class TableDroppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TableDroppedException(TableIdentifier table, RuntimeException cause) {
        super(
                "table " + table + " was dropped outside the connector; it is created again and its rows not yet "
                        + "committed are read again: " + FailureText.oneLine(cause),
                cause);
    }
}
