/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import io.tributary.mqtt.delivery.CatchUp;
import io.tributary.mqtt.delivery.Delivery;
import io.tributary.mqtt.delivery.Matches;
import io.tributary.mqtt.delivery.Outbox;
import io.tributary.mqtt.delivery.SubscriberRegistry.Subscriber;
import io.tributary.mqtt.topic.Subscription;
import io.tributary.mqtt.topic.TopicName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Replays a resumed session's shard from its stored cursor, as kafka.CatchUpReader does: QoS 1/2 matches only,
 * then hands the shard back to live delivery. Runs when the harness settles, on the test thread.
 */
final class InMemoryCatchUp implements CatchUp {

    private final InMemoryMessageLog log;
    private final List<Subscriber> scheduled = new ArrayList<>();

    InMemoryCatchUp(InMemoryMessageLog log) {
        this.log = log;
    }

    @Override
    public void schedule(Subscriber subscriber) {
        scheduled.add(subscriber);
    }

    /** One turn for every scheduled replay; true when something was replayed. */
    boolean runScheduled() {
        if (scheduled.isEmpty()) {
            return false;
        }
        List<Subscriber> now = new ArrayList<>(scheduled);
        scheduled.clear();
        for (Subscriber s : now) {
            replay(s);
        }
        return true;
    }

    private void replay(Subscriber subscriber) {
        Outbox outbox = subscriber.outbox();
        if (!outbox.isAttached()) {
            return;
        }
        List<InMemoryMessageLog.Appended> records = log.records();
        for (Map.Entry<TopicPartition, Long> from : outbox.catchingUp().entrySet()) {
            TopicPartition tp = from.getKey();
            for (long offset = from.getValue(); offset < records.size(); offset++) {
                if (!offer(subscriber, tp, records.get((int) offset))) {
                    scheduled.add(subscriber); // queue full: continue after the session drained
                    outbox.scheduleDrain();
                    return;
                }
            }
            outbox.advanceReplay(tp, records.size(), log);
        }
        outbox.scheduleDrain();
    }

    private static boolean offer(Subscriber subscriber, TopicPartition tp, InMemoryMessageLog.Appended record) {
        Outbox outbox = subscriber.outbox();
        if (!outbox.shouldReplay(tp, record.offset())) {
            return true;
        }
        Matches matches = new Matches();
        List<String> levels = TopicName.levels(record.message().topic());
        for (Subscription s : subscriber.subscriptions()) {
            if (!s.filter().isShared() && s.filter().matches(levels)) {
                matches.add(s, record.message(), subscriber);
            }
        }
        Delivery d = matches.toDelivery(record.message(), tp, record.offset());
        return d == null || d.qos() == 0 || outbox.offerReplay(d);
    }
}
