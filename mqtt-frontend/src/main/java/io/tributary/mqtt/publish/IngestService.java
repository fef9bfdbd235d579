/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.publish;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.retained.RetainedStore;
import io.tributary.mqtt.routing.TopicRouter;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Turns a PUBLISH into Kafka records: one in the message topic the router picks, and for a retained
 * message one more in the retained topic. The returned future completes when Kafka has acknowledged every
 * record (acks=all, idempotent producer): only then may the session acknowledge the client.
 */
public final class IngestService {

    private final MessageLog log;
    private final TopicRouter router;
    private final RetainedStore retained;
    private final PublishFlowControl flowControl;
    private volatile Function<Message, byte @Nullable []> brokerPublished = message -> null;

    public IngestService(MessageLog log, TopicRouter router, RetainedStore retained, PublishFlowControl flowControl) {
        this.log = log;
        this.router = router;
        this.retained = retained;
        this.flowControl = flowControl;
    }

    /**
     * A message the broker publishes on a client's behalf (a will): its record value is made as set by {@link
     * #encodeBrokerPublished} (a schema binding's encoding), the payload by default.
     */
    public CompletableFuture<Void> publish(Message message) {
        return publish(message, brokerPublished.apply(message), null);
    }

    /** As {@link #publish(Message)} (its record value encoded the same way), the message record written by {@code writer}. */
    public CompletableFuture<Void> publish(
            Message message, BiFunction<TopicRouter.Route, Message, CompletableFuture<Void>> writer) {
        return publish(message, brokerPublished.apply(message), writer);
    }

    /** How {@link #publish(Message)} makes a record's value from a message; null from it: the payload. */
    public void encodeBrokerPublished(Function<Message, byte @Nullable []> recordValues) {
        this.brokerPublished = recordValues;
    }

    /**
     * As {@link #publish(Message)}, with the message record's value given apart ({@code recordValue}, say the
     * payload in a schema registry's wire format; null: the payload), and the message record written by {@code
     * writer} instead of the message log (null: the message log): a QoS 2 message of a persistent session commits
     * in one transaction with its session's record. The retained record keeps the payload as published, since it
     * is delivered to MQTT subscribers only.
     */
    public CompletableFuture<Void> publish(
            Message message,
            byte @Nullable [] recordValue,
            @Nullable BiFunction<TopicRouter.Route, Message, CompletableFuture<Void>> writer) {
        TopicRouter.Route route = router.route(message.topic());
        Message record = recordValue == null
                ? message
                : new Message(
                        message.topic(),
                        recordValue,
                        message.qos(),
                        message.retain(),
                        message.publisher(),
                        message.properties());
        long bytes = record.payload().length + route.key().length;
        flowControl.reserve(bytes);
        CompletableFuture<Void> written = writer == null ? log.append(route, record) : writer.apply(route, record);
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
