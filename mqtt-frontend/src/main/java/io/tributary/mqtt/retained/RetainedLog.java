/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.retained;

import io.tributary.mqtt.message.Message;
import java.util.concurrent.CompletableFuture;

/** The port through which retained messages reach the compacted retained topic ({@code kafka.KafkaRetainedLog}). */
public interface RetainedLog {

    /**
     * Stores the retained message, or clears its topic when the payload is empty. Completes with the record's
     * offset once Kafka acknowledged it: the store orders its view by these offsets.
     */
    CompletableFuture<Long> write(Message message);
}
