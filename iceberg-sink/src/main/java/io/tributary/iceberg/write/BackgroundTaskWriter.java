/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import org.apache.iceberg.io.TaskWriter;
import org.apache.iceberg.io.WriteResult;
import org.jspecify.annotations.Nullable;

/**
 * A task writer that hands its rows, in batches, to a writer thread that encodes them into Parquet, so that the
 * caller's thread (Connect's put) reads and converts the next records meanwhile: encoding is about half of the
 * sink's CPU, and a task otherwise uses one core.
 *
 * <p>Order and completeness: one thread runs every batch in the order written ({@code lane} is a single-thread
 * executor), and {@link #complete()} first waits until every row written has reached the Parquet writer, so a
 * commit covers exactly the rows written before it, as with a writer on the caller's thread. At most {@link
 * #MAX_BATCHES_IN_FLIGHT} batches wait, then {@link #write} blocks: memory stays bounded when encoding is slower
 * than reading.
 *
 * <p>Failures: a row the writer thread fails to write fails the next {@link #write} or {@link #complete()} with
 * that failure, and no later row is written; the caller then aborts (the rows since the last commit are read
 * again, as after a failed write on the caller's thread). {@link #abort()} drops the rows not yet encoded.
 *
 * <p>One caller thread: not thread-safe on the caller's side.
 */
final class BackgroundTaskWriter<T> implements TaskWriter<T> {
    static final int BATCH_ROWS = 256;
    static final int MAX_BATCHES_IN_FLIGHT = 8;

    private final TaskWriter<T> delegate;
    private final Executor lane;
    private final Semaphore inFlight = new Semaphore(MAX_BATCHES_IN_FLIGHT);
    private List<T> batch = new ArrayList<>(BATCH_ROWS);

    private volatile @Nullable Throwable failure;
    /** Set by abort: batches still queued are skipped. */
    private volatile boolean aborted;

    BackgroundTaskWriter(TaskWriter<T> delegate, Executor lane) {
        this.delegate = delegate;
        this.lane = lane;
    }

    @Override
    public void write(T row) throws IOException {
        rethrowFailure();
        batch.add(row);
        if (batch.size() >= BATCH_ROWS) {
            handOff();
        }
    }

    private void handOff() throws IOException {
        List<T> rows = batch;
        batch = new ArrayList<>(BATCH_ROWS);
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the writer thread");
        }
        lane.execute(() -> {
            try {
                if (failure == null && !aborted) {
                    for (T row : rows) {
                        delegate.write(row);
                    }
                }
            } catch (Throwable e) {
                failure = e;
            } finally {
                inFlight.release();
            }
        });
    }

    /** Waits until the writer thread has run every batch handed off so far. */
    private void drain() throws IOException {
        if (!batch.isEmpty() && !aborted) {
            handOff();
        }
        try {
            CompletableFuture.runAsync(() -> {}, lane).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the writer thread");
        } catch (ExecutionException e) {
            throw new IOException("the writer thread failed", e.getCause());
        }
    }

    private void rethrowFailure() throws IOException {
        Throwable failed = failure;
        if (failed instanceof IOException io) {
            throw io;
        }
        if (failed instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failed instanceof Error error) {
            throw error;
        }
        if (failed != null) {
            throw new IOException(failed);
        }
    }

    /** Waits for every row written to be encoded, then closes the files (on the caller's thread). */
    @Override
    public WriteResult complete() throws IOException {
        drain();
        rethrowFailure();
        return delegate.complete();
    }

    @Override
    public void abort() throws IOException {
        aborted = true;
        batch.clear();
        drain();
        delegate.abort();
    }

    @Override
    public void close() throws IOException {
        drain();
        delegate.close();
    }
}
