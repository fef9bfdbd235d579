/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.retained.RetainedLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The compacted retained topic in memory: every write acknowledged at once, with the next offset. */
final class InMemoryRetainedLog implements RetainedLog {

    private final List<Message> writes = new ArrayList<>();

    @Override
    public CompletableFuture<Long> write(Message message) {
        writes.add(message);
        return CompletableFuture.completedFuture((long) writes.size() - 1);
    }

    List<Message> writes() {
        return List.copyOf(writes);
    }
}
