/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

/** How rows reach the table. */
public enum WriteMode {
    /** Every row is a new row (one row per MQTT message). */
    APPEND,
    /**
     * A row replaces the table's row with the same identifier fields ("latest value per device"):
     * an equality delete on the key plus the new row, in one format-v2 row delta.
     */
    UPSERT
}
