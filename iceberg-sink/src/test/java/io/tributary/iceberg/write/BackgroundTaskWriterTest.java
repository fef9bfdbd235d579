/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.io.TaskWriter;
import org.apache.iceberg.io.WriteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackgroundTaskWriterTest {

    private final ExecutorService lane = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-writer-thread"));

    @AfterEach
    void stopLane() throws InterruptedException {
        lane.shutdownNow();
        assertThat(lane.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void completeReturnsOnlyAfterEveryRowWrittenReachedTheWriterInOrder() throws IOException {
        RecordingWriter delegate = new RecordingWriter();
        BackgroundTaskWriter<Integer> writer = new BackgroundTaskWriter<>(delegate, lane);
        int rows = BackgroundTaskWriter.BATCH_ROWS * 3 + 17; // full batches and a partial one

        for (int i = 0; i < rows; i++) {
            writer.write(i);
        }
        writer.complete();

        assertThat(delegate.completedAfter).isEqualTo(rows);
        assertThat(delegate.rows).hasSize(rows).isSorted();
        assertThat(delegate.threads).containsOnly("test-writer-thread");
    }

    @Test
    void aFailedRowFailsTheNextWriteOrCompleteAndNoLaterRowIsWritten() throws IOException {
        RecordingWriter delegate = new RecordingWriter();
        delegate.failAt = 10;
        BackgroundTaskWriter<Integer> writer = new BackgroundTaskWriter<>(delegate, lane);

        for (int i = 0; i < BackgroundTaskWriter.BATCH_ROWS; i++) {
            writer.write(i); // the last one hands the batch off
        }

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThatThrownBy(() -> writer.write(-1))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("disk full at row 10"));
        assertThatThrownBy(writer::complete).hasMessageContaining("disk full at row 10");
        assertThat(delegate.rows).hasSize(10);
        assertThat(delegate.completedAfter).isEqualTo(-1);
    }

    @Test
    void abortDropsTheRowsNotYetWrittenAndAbortsTheFiles() throws IOException, InterruptedException {
        RecordingWriter delegate = new RecordingWriter();
        delegate.blockAt = 5;
        BackgroundTaskWriter<Integer> writer = new BackgroundTaskWriter<>(delegate, lane);
        for (int i = 0; i < BackgroundTaskWriter.BATCH_ROWS * 2 + 3; i++) {
            writer.write(i);
        }
        assertThat(delegate.blocked.await(10, TimeUnit.SECONDS)).isTrue();

        Thread aborter = new Thread(() -> {
            try {
                writer.abort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        aborter.start();
        // abort waits for the batch being written, then skips the rest.
        await().atMost(Duration.ofSeconds(10)).until(() -> aborter.getState() == Thread.State.WAITING);
        delegate.release.countDown();
        aborter.join(10_000);

        assertThat(aborter.isAlive()).isFalse();
        assertThat(delegate.aborted).isTrue();
        assertThat(delegate.rows).hasSize(BackgroundTaskWriter.BATCH_ROWS); // the first batch only
    }

    @Test
    void aWriterFarAheadOfTheWriterThreadWaits() throws InterruptedException {
        RecordingWriter delegate = new RecordingWriter();
        delegate.blockAt = 0;
        BackgroundTaskWriter<Integer> writer = new BackgroundTaskWriter<>(delegate, lane);
        AtomicInteger handedOver = new AtomicInteger();
        int bound = BackgroundTaskWriter.BATCH_ROWS * BackgroundTaskWriter.MAX_BATCHES_IN_FLIGHT;
        Thread producer = new Thread(() -> {
            try {
                for (int i = 0; i < bound * 2; i++) {
                    writer.write(i);
                    handedOver.incrementAndGet();
                }
                writer.complete();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        producer.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> producer.getState() == Thread.State.WAITING);
        // The batches in flight, and the one waiting to be handed off.
        assertThat(handedOver.get()).isLessThan(bound + BackgroundTaskWriter.BATCH_ROWS);
        delegate.release.countDown();
        producer.join(10_000);
        assertThat(producer.isAlive()).isFalse();
        assertThat(delegate.rows).hasSize(bound * 2);
        assertThat(delegate.completedAfter).isEqualTo(bound * 2);
    }

    /** Records what it is given and on which thread; can fail at, or block before, one row. */
    private static final class RecordingWriter implements TaskWriter<Integer> {
        final List<Integer> rows = Collections.synchronizedList(new ArrayList<>());
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch blocked = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile int failAt = -1;
        volatile int blockAt = -1;
        volatile int completedAfter = -1;
        volatile boolean aborted;

        @Override
        public void write(Integer row) throws IOException {
            if (row == failAt) {
                throw new IOException("disk full at row " + row);
            }
            if (row == blockAt) {
                blocked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            rows.add(row);
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void abort() {
            aborted = true;
        }

        @Override
        public WriteResult complete() {
            completedAfter = rows.size();
            return WriteResult.builder().build();
        }

        @Override
        public void close() {}
    }
}
