/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.tiering;

import io.tributary.shard.format.BadRecordException;
import io.tributary.shard.format.RecordFileWriter;
import io.tributary.shard.format.RowSchema;
import io.tributary.shard.record.ShardRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files of one shard being written: a contiguous range of offsets, split over one local file per
 * partition directory and row schema (a file has one: the plain layout, or one registered schema id's
 * columns). All of a batch's files are finished together, which keeps the committed position of a
 * shard a single offset.
 */
final class ShardBatch {
    private final ShardId shard;
    private final TieringSettings settings;
    private final long startOffset;
    private final long firstTimestamp;
    private final long openedAtMs;
    private final Map<FileKey, LocalFile> files = new LinkedHashMap<>();
    private final Set<FileKey> published = new HashSet<>();
    private long lastOffset;
    private long records;
    /** Records taken, bad ones included: rotation counts offsets, so replays rotate identically. */
    private long taken;

    private long bytes;
    private boolean finished;

    private record LocalFile(Path path, RecordFileWriter writer) {}

    /** Which file of the batch a record goes to: its directory, and its row schema's name tag. */
    private record FileKey(String directory, String nameTag) {}

    /** A finished file and the name it gets in storage. */
    record PublishableFile(Path local, String path) {}

    ShardBatch(ShardId shard, TieringSettings settings, ShardRecord first, long nowMs) {
        this.shard = shard;
        this.settings = settings;
        this.startOffset = first.offset();
        this.lastOffset = first.offset();
        this.firstTimestamp = first.timestamp();
        this.openedAtMs = nowMs;
    }

    /**
     * Adds a record to the file of its directory and row schema. A bad record still belongs to the
     * batch's offset range (it is accounted for, in the dead-letter queue or by failing the task), but
     * not to a file.
     */
    void append(ShardRecord record, RowSchema rows) throws BadRecordException {
        take(record);
        FileKey key = new FileKey(settings.pathTemplate().directoryFor(record), rows.nameTag());
        LocalFile file = files.get(key);
        boolean created = file == null;
        try {
            if (created) {
                file = openLocalFile(rows);
            }
            try {
                file.writer().write(record);
            } catch (BadRecordException e) {
                if (created) {
                    file.writer().close();
                    Files.deleteIfExists(file.path());
                }
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("local buffer file for " + shard + " failed", e);
        }
        if (created) {
            files.put(key, file);
        }
        records++;
        bytes += record.approximateSize();
    }

    /** A bad record known before it reached a file: it belongs to the batch's offset range only. */
    void takeBad(ShardRecord record) {
        take(record);
    }

    private void take(ShardRecord record) {
        lastOffset = record.offset();
        taken++;
    }

    private LocalFile openLocalFile(RowSchema rows) throws IOException {
        Path dir = settings.bufferDir().resolve(shard.topic() + "+" + shard.partition());
        Files.createDirectories(dir);
        Path path = Files.createTempFile(
                dir, "batch-" + startOffset + "-", "." + settings.format().extension(settings.compression()));
        return new LocalFile(path, settings.format().open(path, rows, settings.compression()));
    }

    /** Completes every local file; after this the batch takes no more records. */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        for (LocalFile file : files.values()) {
            try {
                file.writer().close();
            } catch (IOException e) {
                throw new UncheckedIOException("could not finish local file " + file.path(), e);
            }
        }
    }

    List<PublishableFile> unpublishedFiles(boolean withEndOffset) {
        List<PublishableFile> pending = new ArrayList<>();
        for (Map.Entry<FileKey, LocalFile> entry : files.entrySet()) {
            FileKey key = entry.getKey();
            if (!published.contains(key)) {
                pending.add(new PublishableFile(
                        entry.getValue().path(),
                        settings.dataPath(
                                key.directory(), key.nameTag(), shard, startOffset, lastOffset, withEndOffset)));
            }
        }
        return pending;
    }

    void markPublished(PublishableFile file) {
        files.forEach((key, local) -> {
            if (local.path().equals(file.local())) {
                published.add(key);
            }
        });
    }

    /** Deletes the local files, finished or not; storage is untouched. */
    void discard() {
        for (LocalFile file : files.values()) {
            try {
                if (!finished) {
                    file.writer().close();
                }
            } catch (IOException | RuntimeException ignored) {
                // Being thrown away; a half-written local file is no loss.
            }
            try {
                Files.deleteIfExists(file.path());
            } catch (IOException ignored) {
                // A stray temp file in the buffer directory; nothing reads it.
            }
        }
    }

    long startOffset() {
        return startOffset;
    }

    long lastOffset() {
        return lastOffset;
    }

    long firstTimestamp() {
        return firstTimestamp;
    }

    long openedAtMs() {
        return openedAtMs;
    }

    long records() {
        return records;
    }

    long taken() {
        return taken;
    }

    long bytes() {
        return bytes;
    }

    int openFiles() {
        return finished ? 0 : files.size();
    }
}
