/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.publish;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.routing.TopicRouter;
import java.util.concurrent.CompletableFuture;

/**
 * The port through which PUBLISHed messages reach Kafka. The adapter ({@code kafka.KafkaMessageLog}) writes
 * one record per message in the record contract's form; tests use an in-memory log whose acknowledgements
 * they complete themselves.
 */
public interface MessageLog {

    /**
     * Appends the message to the Kafka topic and key of its route. Completes when Kafka acknowledged the record
     * (acks=all, idempotent producer), exceptionally when it cannot; never blocks the caller.
     */
    CompletableFuture<Void> append(TopicRouter.Route route, Message message);
}
