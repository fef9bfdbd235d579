/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.testing;

import io.tributary.shard.storage.ShardStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory store that can be told to fail, to cut the exactly-once protocol at any step. */
public final class MemoryShardStorage implements ShardStorage {
    private final Map<String, byte[]> files = new TreeMap<>();
    private final boolean withEndOffset;
    private final AtomicInteger operationsBeforeFailure = new AtomicInteger(-1);

    public MemoryShardStorage(boolean withEndOffset) {
        this.withEndOffset = withEndOffset;
    }

    /** The next {@code operations} writes succeed, every later one fails until reset with -1. */
    public void failAfter(int operations) {
        operationsBeforeFailure.set(operations);
    }

    private void maybeFail(String path) throws IOException {
        int left = operationsBeforeFailure.get();
        if (left == 0) {
            throw new IOException("store down (test) writing " + path);
        }
        if (left > 0) {
            operationsBeforeFailure.decrementAndGet();
        }
    }

    @Override
    public synchronized void publish(Path localFile, String path) throws IOException {
        maybeFail(path);
        files.put(path, Files.readAllBytes(localFile));
    }

    @Override
    public synchronized void writeAtomically(String path, byte[] content) throws IOException {
        maybeFail(path);
        files.put(path, content.clone());
    }

    @Override
    public synchronized Optional<byte[]> read(String path) {
        return Optional.ofNullable(files.get(path));
    }

    @Override
    public boolean namesCarryEndOffset() {
        return withEndOffset;
    }

    /** Data files (not markers), by path, in name order. */
    public synchronized Map<String, byte[]> dataFiles() {
        Map<String, byte[]> data = new TreeMap<>();
        files.forEach((path, bytes) -> {
            if (!path.contains("_tributary/")) {
                data.put(path, bytes);
            }
        });
        return data;
    }

    @Override
    public void close() {}
}
