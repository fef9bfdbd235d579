/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A store that shards are tiered to. Implementations make every file visible in one step, complete or
 * not at all; that, with deterministic names, is what the exactly-once protocol builds on.
 * An {@link IOException} means "the store is unreachable or refused; try again later", except a
 * {@link StoreNotFoundException}: the configured store does not exist, and waiting will not help.
 */
public interface ShardStorage extends Closeable {

    /**
     * Checks once, at start, that the configured store exists, so a misspelt name fails the task at
     * once. Stores without such a check (or whose check says nothing) do nothing here.
     *
     * @throws StoreNotFoundException the store does not exist
     * @throws IOException the store could not be asked; the caller may carry on and retry later
     */
    default void checkExists() throws IOException {}

    /** Makes the finished local file visible at {@code path}, replacing any file already there. */
    void publish(Path localFile, String path) throws IOException;

    /** Writes a small file such that a reader sees either the old or the new content, never a mix. */
    void writeAtomically(String path, byte[] content) throws IOException;

    /** Reads a small file, or empty if none is there. */
    Optional<byte[]> read(String path) throws IOException;

    /**
     * Whether data file names carry the end offset as well as the start offset. HDFS names do (its
     * listings are cheap and operators expect it); S3 names keep the start offset alone.
     */
    boolean namesCarryEndOffset();
}
