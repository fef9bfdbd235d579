/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import java.util.Objects;

/**
 * What a {@link TableWriter} needs beyond the table.
 *
 * @param connectorName names the offsets in the snapshot summary; every task of a connector uses the
 *     same name, so a partition's offsets survive its move from one task to another
 * @param writerId names the writer (for example the task id) in the snapshot summary and file names
 * @param mode append or upsert
 * @param commitAttempts how often {@link TableWriter#commit()} tries before it gives up and leaves the
 *     commit pending (each attempt already includes Iceberg's own retries on a conflict)
 */
public record TableWriterConfig(String connectorName, String writerId, WriteMode mode, int commitAttempts) {
    public static final int DEFAULT_COMMIT_ATTEMPTS = 5;

    public TableWriterConfig {
        Objects.requireNonNull(connectorName, "connectorName");
        Objects.requireNonNull(writerId, "writerId");
        Objects.requireNonNull(mode, "mode");
        if (connectorName.isBlank()) {
            throw new IllegalArgumentException("connectorName must not be blank");
        }
        if (commitAttempts < 1) {
            throw new IllegalArgumentException("commitAttempts must be at least 1, was " + commitAttempts);
        }
    }

    public static TableWriterConfig append(String connectorName, String writerId) {
        return new TableWriterConfig(connectorName, writerId, WriteMode.APPEND, DEFAULT_COMMIT_ATTEMPTS);
    }

    public static TableWriterConfig upsert(String connectorName, String writerId) {
        return new TableWriterConfig(connectorName, writerId, WriteMode.UPSERT, DEFAULT_COMMIT_ATTEMPTS);
    }
}
