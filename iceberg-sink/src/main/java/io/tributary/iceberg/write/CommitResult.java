/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import java.util.Map;

/**
 * One commit that landed in the table.
 *
 * @param snapshotId the snapshot holding the files and the offsets
 * @param nextOffsets the next offset per Kafka partition that the snapshot records
 * @param records rows written (in upsert mode: rows inserted, each replacing any older row of its key)
 * @param dataFiles data files added
 * @param deleteFiles delete files added (upsert mode)
 * @param bytes bytes of all files added
 */
public record CommitResult(
        long snapshotId,
        Map<KafkaPartition, Long> nextOffsets,
        long records,
        int dataFiles,
        int deleteFiles,
        long bytes) {
    public CommitResult {
        nextOffsets = Map.copyOf(nextOffsets);
    }
}
