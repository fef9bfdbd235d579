/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** The port through which session state reaches the compacted sessions topic ({@code kafka.KafkaSessionLog}). */
public interface SessionLog {

    /** Writes the full state of the session, or deletes it (null). Completes when Kafka acknowledged it. */
    CompletableFuture<Void> write(String clientId, @Nullable SessionState state);
}
