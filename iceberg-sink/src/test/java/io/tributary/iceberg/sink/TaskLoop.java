/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.sink;

import io.tributary.iceberg.SinkInput;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * What the Connect task does with an {@link IcebergSink} over partition 0, without Connect: deliver records from
 * the consumer's position, on a failure seek back to the first record not handled (or where the sink asks) and go
 * on, commit, and take the offset the sink calls safe as Connect's committed offset.
 */
final class TaskLoop {
    private final IcebergSink sink;
    private final LongFunction<SinkInput> topic;
    final List<String> rejected = new ArrayList<>();
    final List<RuntimeException> failures = new ArrayList<>();
    long position;
    long connectCommitted;

    TaskLoop(IcebergSink sink, LongFunction<SinkInput> topic) {
        this.sink = sink;
        this.topic = topic;
    }

    /** One poll: the records from the position up to {@code end} (exclusive), as one batch. */
    void deliverUntil(long end) {
        for (long offset = position; offset < end; offset++) {
            try {
                sink.put(topic.apply(offset), rejected::add);
            } catch (RuntimeException e) {
                failures.add(e);
                position = Math.min(offset, sink.takeRewinds().getOrDefault(SinkFixtures.P0, offset));
                return;
            }
        }
        position = end;
        seekRewinds();
    }

    /** Polls until the position reaches {@code end}, as the task does after failures it rides out. */
    void deliverAllUntil(long end) {
        for (int polls = 0; position < end; polls++) {
            if (polls > 100) {
                throw new AssertionError("no progress at " + position + ": " + failures);
            }
            deliverUntil(end);
        }
    }

    /** Commits (preCommit), then Connect commits the safe offset. Returns whether every table committed. */
    boolean commit() {
        boolean committed = true;
        try {
            sink.commit();
        } catch (RuntimeException e) {
            failures.add(e);
            committed = false;
        }
        seekRewinds();
        Long safe = sink.safeOffsets().get(SinkFixtures.P0);
        if (safe != null) {
            connectCommitted = safe;
        }
        return committed;
    }

    private void seekRewinds() {
        Long rewind = sink.takeRewinds().get(SinkFixtures.P0);
        if (rewind != null) {
            position = rewind;
        }
    }
}
