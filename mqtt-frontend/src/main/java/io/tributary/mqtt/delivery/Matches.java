/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.topic.Subscription;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Folds every subscription of one session that matches a message into one delivery: the highest granted
 * QoS, all subscription identifiers, retain as published if any subscription asks for it ([MQTT-3.3.4-2],
 * [MQTT-3.3.4-3]). No Local subscriptions skip the publisher's own messages ([MQTT-3.8.3-3]). A message whose topic
 * the ACL rules deny the session is not folded in at all, whatever its subscriptions: a wildcard subscription
 * granted beside a DENY must not receive the denied topics (docs/security.md).
 */
public final class Matches {

    private int qos = -1;
    private boolean retainAsPublished;
    private int[] ids = Delivery.NO_IDS;

    public void add(Subscription s, Message m, SubscriberRegistry.Subscriber subscriber) {
        if (s.noLocal() && subscriber.clientId().equals(m.publisher())) {
            return;
        }
        if (!subscriber.mayReceive(m.topic())) {
            return;
        }
        qos = Math.max(qos, Math.min(s.qos(), m.qos()));
        retainAsPublished |= s.retainAsPublished();
        if (s.subscriptionId() != 0) {
            ids = Arrays.copyOf(ids, ids.length + 1);
            ids[ids.length - 1] = s.subscriptionId();
        }
    }

    @Nullable
    public Delivery toDelivery(Message m, org.apache.kafka.common.TopicPartition shard, long offset) {
        if (qos < 0) {
            return null;
        }
        return new Delivery(m, qos, retainAsPublished && m.retain(), ids, shard, offset, false);
    }
}
