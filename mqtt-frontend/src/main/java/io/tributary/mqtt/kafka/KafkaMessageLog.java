/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.publish.MessageLog;
import io.tributary.mqtt.routing.TopicRouter;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes PUBLISHed messages as records of the record contract: key from the route, payload, MQTT headers. */
public final class KafkaMessageLog implements MessageLog {

    private final KafkaSender sender;

    public KafkaMessageLog(KafkaSender sender) {
        this.sender = sender;
    }

    @Override
    public CompletableFuture<Void> append(TopicRouter.Route route, Message message) {
        return sender.send(record(route, message));
    }

    /** The record of a message: key from the route, the payload, the contract's headers. */
    static ProducerRecord<byte[], byte[]> record(TopicRouter.Route route, Message message) {
        return new ProducerRecord<>(
                route.kafkaTopic(),
                null,
                route.key(),
                message.payload(),
                MessageRecordCodec.headers(message, route.topicInHeader()));
    }
}
