/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.testing;

import io.tributary.shard.storage.ShardStorage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A real store that stops accepting writes after a given number, to crash a task mid-publish. */
public final class InterruptibleShardStorage implements ShardStorage {
    private final ShardStorage delegate;
    private final AtomicInteger writesLeft;

    public InterruptibleShardStorage(ShardStorage delegate, int writesBeforeFailure) {
        this.delegate = delegate;
        this.writesLeft = new AtomicInteger(writesBeforeFailure);
    }

    private void spend(String path) throws IOException {
        if (writesLeft.getAndDecrement() <= 0) {
            throw new IOException("crash injected before writing " + path);
        }
    }

    @Override
    public void publish(Path localFile, String path) throws IOException {
        spend(path);
        delegate.publish(localFile, path);
    }

    @Override
    public void writeAtomically(String path, byte[] content) throws IOException {
        spend(path);
        delegate.writeAtomically(path, content);
    }

    @Override
    public Optional<byte[]> read(String path) throws IOException {
        return delegate.read(path);
    }

    @Override
    public boolean namesCarryEndOffset() {
        return delegate.namesCarryEndOffset();
    }

    /** Leaves the delegate open: the "crashed" task's store is reused by the recovering one. */
    @Override
    public void close() {}
}
