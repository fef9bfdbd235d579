/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.ops.OpsHttp;
import io.tributary.mqtt.testing.BrokerExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node reads only the Kafka topics its subscriptions need, shown with its live reader's Kafka fetch metrics:
 * records published while nobody subscribes (or only to another topic) are never fetched, and reading starts and
 * stops as subscriptions come and go. Every step ends with a marker message received, after which the count of
 * records the reader consumed must be exactly the markers: before the reader followed the subscriptions, it also
 * fetched every record published in between.
 */
class ReadsWhatSubscribersNeedIT {

    private static final String PLANT_TOPIC = "plant.events";

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withSettings(Map.of(
            BrokerConfig.MAPPING_RULES_CONFIG,
            "plant",
            "mapping.rule.plant.filter",
            "plant/#",
            "mapping.rule.plant.kafka.topic",
            PLANT_TOPIC));

    /** Records the live reader fetched, from the node's /metrics (the Kafka consumer's own counter). */
    private static double consumed() {
        Map<String, Double> samples = OpsHttp.samples(OpsHttp.scrape(broker.node()));
        String name = "kafka_consumer_fetch_manager_records_consumed_total";
        double byTopic = 0;
        double total = 0;
        boolean topics = false;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(name + "{") || !key.contains("role=\"live-reader\"")) {
                continue;
            }
            if (key.contains("topic=\"")) {
                topics = true;
                byTopic += e.getValue();
            } else {
                total += e.getValue();
            }
        }
        return topics ? byTopic : total;
    }

    private static void publish(V3Client pub, String topic, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            pub.publish(topic, "unread-" + i, 1, false);
        }
    }

    /** Publishes a marker and waits until {@code sub} has it: everything published before is in Kafka then. */
    private static void marker(V3Client pub, V3Client sub, String topic, String payload) throws Exception {
        pub.publish(topic, payload, 1, false);
        await().atMost(Duration.ofSeconds(20)).until(() -> sub.hasPayload(payload));
    }

    private static void awaitConsumed(double expected) {
        // The Kafka client counts a fetched batch once poll returns it; the scrape reads the counter as it is.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(consumed()).isEqualTo(expected));
    }

    @Test
    void readsOnlyTheTopicsSubscriptionsNeedAndFollowsThem() throws Exception {
        double before = consumed();
        try (V3Client pub = V3Client.connect(broker.node(), "demand-pub")) {
            // Nobody subscribes: nothing is fetched, on either topic.
            publish(pub, "quiet/t", 20);
            publish(pub, "plant/line1/temp", 20);

            try (V3Client sub = V3Client.connect(broker.node(), "demand-sub").subscribe("loud/t", 1)) {
                marker(pub, sub, "loud/t", "m1");
                awaitConsumed(before + 1);

                // A subscription to loud/t needs the default topic only: the plant's records stay unread.
                publish(pub, "plant/line1/temp", 20);
                marker(pub, sub, "loud/t", "m2");
                awaitConsumed(before + 2);

                // A subscription to plant/# starts reading the plant's topic, from its end.
                try (V3Client plant =
                        V3Client.connect(broker.node(), "demand-plant").subscribe("plant/#", 1)) {
                    marker(pub, plant, "plant/line1/temp", "p1");
                    awaitConsumed(before + 3);
                }
                // Its subscriber gone (the node sees the connection close a moment later), the plant's topic is
                // paused again.
                await().atMost(Duration.ofSeconds(10)).until(() -> shards("read") == shards("assigned") / 2);
                publish(pub, "plant/line1/temp", 20);
                marker(pub, sub, "loud/t", "m3");
                awaitConsumed(before + 4);
            }

            // Nobody subscribes any more: the default topic is paused as well.
            await().atMost(Duration.ofSeconds(10)).until(() -> shards("read") == 0);
            publish(pub, "loud/t", 20);
            try (V3Client again =
                    V3Client.connect(broker.node(), "demand-again").subscribe("loud/#", 1)) {
                marker(pub, again, "loud/t", "m4");
                awaitConsumed(before + 5);
                assertThat(again.payloads()).containsExactly("m4");
                assertThat(shards("read")).isEqualTo(shards("assigned") / 2); // the default topic's, not the plant's
            }
        }
    }

    /** The node's gauge of the live reader's shards: {@code assigned} or {@code read}. */
    private static double shards(String state) {
        return OpsHttp.sum(
                OpsHttp.samples(OpsHttp.scrape(broker.node())), "tributary_kafka_shards", "state=\"" + state + "\"");
    }
}
