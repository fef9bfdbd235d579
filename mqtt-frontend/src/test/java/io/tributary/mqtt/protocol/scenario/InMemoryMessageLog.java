/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import io.tributary.mqtt.delivery.Delivery;
import io.tributary.mqtt.delivery.LiveShards;
import io.tributary.mqtt.delivery.Matches;
import io.tributary.mqtt.delivery.Outbox;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.publish.MessageLog;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.topic.TopicName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * The message topic as one in-memory shard. An append is acknowledged at once, or, after {@link #holdAcks()},
 * only when the scenario says so: that is how a scenario shows that PUBACK waits for Kafka. An acknowledged
 * record is then handed to the matching subscribers' outboxes the way the live shard reader does it.
 */
final class InMemoryMessageLog implements MessageLog, LiveShards {

    static final TopicPartition SHARD = new TopicPartition(ProtocolHarness.MESSAGES_TOPIC, 0);

    /** A record Kafka acknowledged: its topic, key and offset, and the message in it. */
    record Appended(String kafkaTopic, String key, long offset, Message message) {
        String payload() {
            return new String(message.payload(), StandardCharsets.UTF_8);
        }
    }

    private record Pending(TopicRouter.Route route, Message message, CompletableFuture<Void> ack) {}

    private final SubscriberRegistry subscribers;
    private final List<Appended> records = new ArrayList<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private boolean holding;

    InMemoryMessageLog(SubscriberRegistry subscribers) {
        this.subscribers = subscribers;
    }

    @Override
    public CompletableFuture<Void> append(TopicRouter.Route route, Message message) {
        var p = new Pending(route, message, new CompletableFuture<>());
        pending.add(p);
        if (!holding) {
            ackAll();
        }
        return p.ack();
    }

    /** From now on appends wait for {@link #ackNext()} / {@link #failNext()}. */
    void holdAcks() {
        holding = true;
    }

    int awaitingAck() {
        return pending.size();
    }

    void ackAll() {
        while (!pending.isEmpty()) {
            ackNext();
        }
    }

    /** Kafka acknowledges the oldest append: the record is in the log and live subscribers get it. */
    void ackNext() {
        Pending p = pending.remove();
        Appended a = new Appended(
                p.route().kafkaTopic(),
                new String(p.route().key(), StandardCharsets.UTF_8),
                records.size(),
                p.message());
        records.add(a);
        dispatch(a);
        p.ack().complete(null);
    }

    /** Kafka refuses the oldest append (delivery timeout, say): nothing is written. */
    void failNext() {
        pending.remove().ack().completeExceptionally(new IllegalStateException("delivery timeout (scenario)"));
    }

    List<Appended> records() {
        return List.copyOf(records);
    }

    /** As kafka.ShardReader dispatches one record: every matching session's subscriptions folded into one delivery. */
    private void dispatch(Appended a) {
        Map<SubscriberRegistry.Subscriber, Matches> matches = new IdentityHashMap<>();
        subscribers.match(
                TopicName.levels(a.message().topic()),
                (s, sub) -> matches.computeIfAbsent(s, k -> new Matches()).add(sub, a.message(), s));
        for (Map.Entry<SubscriberRegistry.Subscriber, Matches> e : matches.entrySet()) {
            Delivery d = e.getValue().toDelivery(a.message(), SHARD, a.offset());
            if (d == null) {
                continue;
            }
            Outbox outbox = e.getKey().outbox();
            if (outbox.offerLive(d) == Outbox.Offer.QUEUED) {
                outbox.scheduleDrain();
            }
        }
    }

    @Override
    public List<TopicPartition> shards() {
        return List.of(SHARD);
    }

    @Override
    public long claimed(TopicPartition shard) {
        return records.size();
    }

    @Override
    public long dispatched(TopicPartition shard) {
        return records.size();
    }
}
