/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.io.WriteResult;
import org.jspecify.annotations.Nullable;

/**
 * Files written and closed, waiting to be committed with the offsets they cover. It stays pending
 * until a commit lands or the writer aborts, so a failed commit can be tried again with the very
 * same files (never written twice).
 */
final class PendingCommit {
    final String commitId = UUID.randomUUID().toString();
    /** One write result per schema the rows had; in upsert mode each becomes its own row delta. */
    final List<WriteResult> batches;

    final Map<KafkaPartition, Long> nextOffsets;
    final long records;
    /** The table's current snapshot when the commit was frozen: the commit cannot be older. */
    final @Nullable Long baseSnapshotId;
    /** Once tried, an attempt's outcome may be unknown: look for the commit id before trying again. */
    boolean attempted;

    PendingCommit(
            List<WriteResult> batches,
            Map<KafkaPartition, Long> nextOffsets,
            long records,
            @Nullable Long baseSnapshotId) {
        this.batches = List.copyOf(batches);
        this.nextOffsets = Map.copyOf(nextOffsets);
        this.records = records;
        this.baseSnapshotId = baseSnapshotId;
    }

    Stream<ContentFile<?>> files() {
        return batches.stream()
                .flatMap(batch -> Stream.concat(Stream.of(batch.dataFiles()), Stream.of(batch.deleteFiles())));
    }
}
