/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.it.SubscriberPackets.nextPublish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.unsuback.Mqtt5UnsubAckReasonCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.it.SubscriberPackets.Received;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SUBSCRIBE and UNSUBSCRIBE as subscribers notice them: which topics reach them, how many copies, at which
 * QoS, with which flags and identifiers. Every test uses topics of its own.
 */
class SubscribeIT {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withSettings(
            // One partition: messages on different topics keep their order, so a marker published last is
            // received last and shows that nothing else is on its way.
            Map.of(BrokerConfig.MESSAGES_PARTITIONS_CONFIG, 1));

    static final String messagesTopic =
            broker.settings().get(BrokerConfig.MESSAGES_TOPIC_CONFIG).toString();

    private static void awaitPayload(V3Client c, String payload) {
        await().atMost(Duration.ofSeconds(15)).until(() -> c.hasPayload(payload));
    }

    private static void awaitPayload(V5Client c, String payload) {
        await().atMost(Duration.ofSeconds(15)).until(() -> c.hasPayload(payload));
    }

    @Test
    void singleAndMultiLevelWildcards() throws Exception {
        try (V3Client plus = V3Client.connect(broker.node(), "wild-plus").subscribe("w/+/temp", 1);
                V3Client hash = V3Client.connect(broker.node(), "wild-hash").subscribe("w/#", 1);
                V3Client pub = V3Client.connect(broker.node(), "wild-pub")) {
            pub.publish("w/room1/temp", "t1", 1, false);
            pub.publish("w/room1/humidity", "h1", 1, false);
            pub.publish("w", "parent", 1, false);
            pub.publish("w/room1/temp/raw", "deep", 1, false);
            pub.publish("w//temp", "empty-level", 1, false);
            pub.publish("w/end/temp", "marker", 1, false);
            awaitPayload(plus, "marker");
            awaitPayload(hash, "marker");
            assertThat(plus.payloads()).containsExactly("t1", "empty-level", "marker");
            assertThat(hash.payloads())
                    .as("'#' also matches the parent level")
                    .containsExactly("t1", "h1", "parent", "deep", "empty-level", "marker");
        }
    }

    @Test
    void overlappingSubscriptionsDeliverOneCopyAtTheHighestGrantedQosMqtt3() throws Exception {
        try (V3Client sub = V3Client.connect(broker.node(), "overlap3");
                V3Client pub = V3Client.connect(broker.node(), "overlap3-pub")) {
            sub.subscribeAll(new String[] {"o3/#", "o3/+", "o3/a"}, new int[] {0, 2, 1});
            pub.publish("o3/a", "one", 2, false);
            pub.publish("o3/a", "two", 2, false);
            awaitPayload(sub, "two");
            assertThat(sub.got).extracting(g -> g.payload() + "@" + g.qos()).containsExactly("one@2", "two@2");
        }
    }

    @Test
    void overlappingSubscriptionsDeliverOneCopyAtTheHighestGrantedQosMqtt5() {
        try (V5Client sub = V5Client.connect(broker.node(), "overlap5");
                V5Client pub = V5Client.connect(broker.node(), "overlap5-pub")) {
            sub.client
                    .subscribeWith()
                    .addSubscription()
                    .topicFilter("o5/#")
                    .qos(MqttQos.AT_MOST_ONCE)
                    .applySubscription()
                    .addSubscription()
                    .topicFilter("o5/+")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .applySubscription()
                    .send();
            pub.publish("o5/a", "one", 2, false);
            pub.publish("o5/a", "two", 2, false);
            awaitPayload(sub, "two");
            assertThat(sub.got).extracting(g -> g.payload() + "@" + g.qos()).containsExactly("one@1", "two@1");
        }
    }

    @Test
    void dollarTopicsAreNotMatchedByLeadingWildcards() throws Exception {
        try (V3Client hash = V3Client.connect(broker.node(), "dollar-hash").subscribe("#", 1);
                V3Client plus = V3Client.connect(broker.node(), "dollar-plus").subscribe("+/x", 1);
                V3Client exact = V3Client.connect(broker.node(), "dollar-exact").subscribe("$app/x", 1);
                V3Client pub = V3Client.connect(broker.node(), "dollar-pub")) {
            // Any topic starting with $ [MQTT-4.7.2-1]; $SYS itself is the broker's and refuses client publishes.
            pub.publish("$app/x", "system", 1, false);
            pub.publish("d/x", "marker", 1, false);
            awaitPayload(exact, "system");
            awaitPayload(hash, "marker");
            awaitPayload(plus, "marker");
            assertThat(hash.topics()).doesNotContain("$app/x");
            assertThat(plus.topics()).doesNotContain("$app/x");
        }
    }

    @Test
    void invalidFiltersAreRefusedInTheSubackMqtt3() throws Exception {
        try (RawMqttClient c =
                SubscriberPackets.connect(broker.mqttPort(), MqttVersion.MQTT_3_1_1, "invalid3", true, false)) {
            List<Integer> codes =
                    SubscriberPackets.subscribe(c, 1, MqttQoS.AT_LEAST_ONCE, "a/#/b", "ok/+", "a+", "sport/tennis#");
            assertThat(codes).containsExactly(0x80, 1, 0x80, 0x80);
        }
    }

    @Test
    void invalidFiltersAreRefusedInTheSubackMqtt5() throws Exception {
        try (RawMqttClient c =
                SubscriberPackets.connect(broker.mqttPort(), MqttVersion.MQTT_5, "invalid5", true, false)) {
            List<Integer> codes = SubscriberPackets.subscribe(c, 1, MqttQoS.EXACTLY_ONCE, "a/#/b", "ok/+", "a+");
            assertThat(codes).containsExactly(0x8F, 2, 0x8F);
        }
    }

    @Test
    void deliveryIsAtTheLowerOfPublishAndGrantedQos() throws Exception {
        try (V3Client sub = V3Client.connect(broker.node(), "minqos").subscribe("q/a", 1);
                V3Client pub = V3Client.connect(broker.node(), "minqos-pub")) {
            pub.publish("q/a", "p0", 0, false);
            pub.publish("q/a", "p1", 1, false);
            pub.publish("q/a", "p2", 2, false);
            awaitPayload(sub, "p2");
            assertThat(sub.got).extracting(g -> g.payload() + "@" + g.qos()).containsExactly("p0@0", "p1@1", "p2@1");
        }
    }

    @Test
    void unsubscribeStopsDelivery() throws Exception {
        try (V3Client sub = V3Client.connect(broker.node(), "unsub")
                        .subscribe("u/a", 1)
                        .subscribe("u/marker", 1);
                V3Client pub = V3Client.connect(broker.node(), "unsub-pub")) {
            pub.publish("u/a", "before", 1, false);
            awaitPayload(sub, "before");
            sub.client.unsubscribe("u/a");
            pub.publish("u/a", "after", 1, false);
            pub.publish("u/marker", "marker", 1, false);
            awaitPayload(sub, "marker");
            assertThat(sub.payloads()).containsExactly("before", "marker");
        }
    }

    @Test
    void unsubscribeOfAnUnknownFilterAnswersNoSubscriptionExisted() {
        try (V5Client c = V5Client.connect(broker.node(), "unsub5")) {
            c.client
                    .subscribeWith()
                    .topicFilter("u5/a")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            assertThat(c.client.unsubscribeWith().topicFilter("u5/a").send().getReasonCodes())
                    .containsExactly(Mqtt5UnsubAckReasonCode.SUCCESS);
            var codes =
                    c.client.unsubscribeWith().topicFilter("u5/never").send().getReasonCodes();
            assertThat(codes).containsExactly(Mqtt5UnsubAckReasonCode.NO_SUBSCRIPTIONS_EXISTED);
            assertThat(codes.get(0).getCode()).isEqualTo(0x11);
        }
    }

    @Test
    void noLocalSkipsTheSubscribersOwnMessages() {
        try (V5Client self = V5Client.connect(broker.node(), "nolocal");
                V5Client other = V5Client.connect(broker.node(), "nolocal-other")) {
            Mqtt5SubAck ack = self.client
                    .subscribeWith()
                    .topicFilter("nl/a")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .noLocal(true)
                    .send();
            assertThat(ack.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            self.publish("nl/a", "own", 1, false);
            other.publish("nl/a", "foreign", 1, false);
            awaitPayload(self, "foreign");
            assertThat(self.payloads()).containsExactly("foreign");
        }
    }

    @Test
    void everyMatchingSubscriptionIdentifierIsOnTheOneMessage() throws Exception {
        try (RawMqttClient sub =
                        SubscriberPackets.connect(broker.mqttPort(), MqttVersion.MQTT_5, "subid", true, false);
                V5Client pub = V5Client.connect(broker.node(), "subid-pub")) {
            SubscriberPackets.subscribe(sub, 1, SubscriberPackets.subscriptionId(7), MqttQoS.AT_MOST_ONCE, "si/#");
            SubscriberPackets.subscribe(sub, 2, SubscriberPackets.subscriptionId(9), MqttQoS.AT_MOST_ONCE, "si/+");
            SubscriberPackets.subscribe(sub, 3, MqttQoS.AT_MOST_ONCE, "si/a");
            pub.publish("si/a", "first", 0, false);
            pub.publish("si/b/c", "second", 0, false);
            // Different topics may sit in different Kafka partitions: no order between them.
            List<Received> received = List.of(nextPublish(sub), nextPublish(sub));
            assertThat(received)
                    .extracting(Received::payload)
                    .as("one copy of each")
                    .containsExactlyInAnyOrder("first", "second");
            Received first = received.stream()
                    .filter(r -> r.payload().equals("first"))
                    .findFirst()
                    .orElseThrow();
            Received second = received.stream()
                    .filter(r -> r.payload().equals("second"))
                    .findFirst()
                    .orElseThrow();
            assertThat(first.subscriptionIds()).containsExactlyInAnyOrder(7, 9);
            assertThat(second.subscriptionIds()).containsExactly(7);
            assertThat(SubscriberPackets.next(sub, Duration.ofMillis(500)))
                    .as("no further copy")
                    .isNull();
        }
    }

    @Test
    void retainAsPublishedKeepsTheRetainFlagOnLiveDelivery() {
        try (V5Client asPublished = V5Client.connect(broker.node(), "rap-yes");
                V5Client cleared = V5Client.connect(broker.node(), "rap-no");
                V5Client pub = V5Client.connect(broker.node(), "rap-pub")) {
            asPublished
                    .client
                    .subscribeWith()
                    .topicFilter("rap/a")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .retainAsPublished(true)
                    .send();
            cleared.client
                    .subscribeWith()
                    .topicFilter("rap/a")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            pub.publish("rap/a", "kept", 1, true);
            pub.publish("rap/a", "plain", 1, false);
            awaitPayload(asPublished, "plain");
            awaitPayload(cleared, "plain");
            assertThat(asPublished.got)
                    .extracting(g -> g.payload() + ":" + g.retained())
                    .containsExactly("kept:true", "plain:false");
            assertThat(cleared.got)
                    .extracting(g -> g.payload() + ":" + g.retained())
                    .containsExactly("kept:false", "plain:false");
            pub.publish("rap/a", "", 1, true);
        }
    }

    @Test
    void kafkaRecordThatNamesNoValidTopicIsNotDeliveredToWildcardSubscribers() throws Exception {
        try (RawMqttClient sub =
                        SubscriberPackets.connect(broker.mqttPort(), MqttVersion.MQTT_5, "kafka-keys", true, false);
                KafkaProducer<byte[], byte[]> producer = broker.kafka().producer()) {
            SubscriberPackets.subscribe(sub, 1, MqttQoS.AT_MOST_ONCE, "kk/#");
            for (String key : List.of("kk/+/bad-key", "kk/#")) {
                producer.send(new ProducerRecord<>(
                                messagesTopic,
                                0,
                                key.getBytes(StandardCharsets.UTF_8),
                                key.getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
            // The MQTT topic may also come from the mqtt.topic header (key = a device id, say).
            ProducerRecord<byte[], byte[]> byHeader = new ProducerRecord<>(
                    messagesTopic,
                    0,
                    "device-1".getBytes(StandardCharsets.UTF_8),
                    "bad-header".getBytes(StandardCharsets.UTF_8));
            byHeader.headers().add("mqtt.topic", "kk/+/bad-header".getBytes(StandardCharsets.UTF_8));
            producer.send(byHeader).get();
            producer.send(new ProducerRecord<>(
                            messagesTopic,
                            0,
                            "kk/good".getBytes(StandardCharsets.UTF_8),
                            "good".getBytes(StandardCharsets.UTF_8)))
                    .get();

            // A byte-level client shows what a client library might refuse (or silently drop).
            assertThat(nextPublish(sub).topic())
                    .as("no PUBLISH with a wildcard in its topic [MQTT-3.3.2-2]")
                    .isEqualTo("kk/good");
        }
    }
}
