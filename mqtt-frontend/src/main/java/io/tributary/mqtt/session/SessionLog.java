/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.routing.TopicRouter;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** The port through which session state reaches the compacted sessions topic ({@code kafka.KafkaSessionLog}). */
public interface SessionLog {

    /** Writes the full state of the session, or deletes it (null). Completes when Kafka acknowledged it. */
    CompletableFuture<Void> write(String clientId, @Nullable SessionState state);

    /**
     * Whether writes are transactional: {@link #writeWithMessage} is available and every write completes only once
     * committed, so QoS 2 is exactly once across crashes (docs/architecture.md, "Exactly once").
     */
    default boolean transactional() {
        return false;
    }

    /**
     * Writes a QoS 2 message and the session's state (which records its packet id as received) in one Kafka
     * transaction: both or neither. Completes once committed. Only when {@link #transactional()}.
     */
    default CompletableFuture<Void> writeWithMessage(SessionState state, TopicRouter.Route route, Message message) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("session log is not transactional"));
    }

    /**
     * Writes a will message and deletes the session's record (tombstone) in one Kafka transaction: the will of a
     * session that ends with its connection is published exactly once. Only when {@link #transactional()}.
     */
    default CompletableFuture<Void> deleteWithMessage(String clientId, TopicRouter.Route route, Message message) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("session log is not transactional"));
    }
}
