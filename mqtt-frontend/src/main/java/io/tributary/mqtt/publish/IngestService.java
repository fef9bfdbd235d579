/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.publish;

import io.tributary.mqtt.kafka.KafkaSender;
import io.tributary.mqtt.kafka.MessageRecordCodec;
import io.tributary.mqtt.retained.RetainedStore;
import io.tributary.mqtt.routing.TopicRouter;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns a PUBLISH into Kafka records: one in the message topic the router picks, and for a retained
 * message one more in the retained topic. The returned future completes when Kafka has acknowledged every
 * record (acks=all, idempotent producer): only then may the session acknowledge the client.
 */
public final class IngestService {

    private final KafkaSender sender;
    private final TopicRouter router;
    private final RetainedStore retained;
    private final PublishFlowControl flowControl;

    public IngestService(
            KafkaSender sender, TopicRouter router, RetainedStore retained, PublishFlowControl flowControl) {
        this.sender = sender;
        this.router = router;
        this.retained = retained;
        this.flowControl = flowControl;
    }

    public CompletableFuture<Void> publish(Message message) {
        TopicRouter.Route route = router.route(message.topic());
        long bytes = message.payload().length + route.key().length;
        flowControl.reserve(bytes);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                route.kafkaTopic(),
                null,
                route.key(),
                message.payload(),
                MessageRecordCodec.headers(message, route.topicInHeader()));
        CompletableFuture<Void> written = sender.send(record);
        written.whenComplete((v, e) -> flowControl.release(bytes));
        if (!message.retain()) {
            return written;
        }
        return CompletableFuture.allOf(written, retained.write(message));
    }

    /** The node-wide counters that pause publishers while Kafka is behind. */
    public PublishFlowControl flowControl() {
        return flowControl;
    }
}
