/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.it.SubscriberPackets.ack;
import static io.tributary.mqtt.it.SubscriberPackets.next;
import static io.tributary.mqtt.it.SubscriberPackets.nextPublish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.it.SubscriberPackets.Packet;
import io.tributary.mqtt.it.SubscriberPackets.Received;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Persistent sessions: subscriptions and the offline queue (Kafka offsets) survive a disconnect and a
 * broker-node restart; in-flight messages are resumed; MQTT 5 session expiry and Clean Start are honoured.
 */
class PersistentSessionIT {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    private static List<String> publishOffline(String clientId, String topic, int count) throws Exception {
        List<String> sent = new ArrayList<>();
        try (V3Client pub = V3Client.connect(broker.node(), clientId)) {
            for (int i = 0; i < count; i++) {
                String payload = "m" + i;
                pub.publish(topic, payload, 1 + i % 2, false); // QoS 1 and 2 interleaved
                sent.add(payload);
            }
        }
        return sent;
    }

    private static void awaitPayload(V3Client c, String payload) {
        await().atMost(Duration.ofSeconds(20)).until(() -> c.hasPayload(payload));
    }

    @Test
    void messagesPublishedWhileOfflineArriveOnReconnectInPublishOrder() throws Exception {
        try (V3Client sub = V3Client.connect(broker.node(), "offline", false).subscribe("p1/t", 2)) {
            assertThat(sub.sessionPresent).isFalse();
        }
        List<String> sent = publishOffline("offline-pub", "p1/t", 20);

        // A byte-level client shows the wire order (Paho hands QoS 2 messages over only after PUBREL).
        try (RawMqttClient again =
                SubscriberPackets.connect(broker.mqttPort(), MqttVersion.MQTT_3_1_1, "offline", false, true)) {
            List<Received> received = SubscriberPackets.receive(again, sent.size());
            assertThat(received).extracting(Received::payload).containsExactlyElementsOf(sent);
            assertThat(received).extracting(Received::qos).containsOnly(1, 2);

            // The subscription itself survived too: a live message arrives without subscribing again.
            try (V3Client pub = V3Client.connect(broker.node(), "offline-pub-2")) {
                pub.publish("p1/t", "live", 1, false);
            }
            assertThat(SubscriberPackets.receive(again, 1))
                    .extracting(Received::payload)
                    .containsExactly("live");
        }
    }

    @Test
    void offlineMessagesSurviveABrokerNodeRestart() throws Exception {
        try (V3Client sub = V3Client.connect(broker.node(), "restart", false).subscribe("p2/t", 2)) {
            assertThat(sub.sessionPresent).isFalse();
        }
        List<String> sent = publishOffline("restart-pub", "p2/t", 10);

        broker.restart();

        try (RawMqttClient again =
                SubscriberPackets.connect(broker.mqttPort(), MqttVersion.MQTT_3_1_1, "restart", false, true)) {
            assertThat(SubscriberPackets.receive(again, sent.size()))
                    .extracting(Received::payload)
                    .containsExactlyElementsOf(sent);
        }
    }

    @Test
    void unacknowledgedMessageIsSentAgainWithDupAfterReconnect() throws Exception {
        assertInFlightMessageIsResent("dup", "p3/t", false);
    }

    @Test
    void unacknowledgedMessageIsSentAgainWithDupAfterABrokerNodeRestart() throws Exception {
        // Records another writer left in the sessions topic do not stop the restarted node.
        try (KafkaProducer<byte[], byte[]> producer = broker.kafka().producer()) {
            String sessions =
                    broker.settings().get(BrokerConfig.SESSIONS_TOPIC_CONFIG).toString();
            producer.send(new ProducerRecord<>(
                            sessions, "empty".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8)))
                    .get();
            producer.send(new ProducerRecord<>(
                            sessions,
                            "garbage".getBytes(StandardCharsets.UTF_8),
                            "not json".getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
        assertInFlightMessageIsResent("dup-restart", "p3r/t", true);
    }

    private static void assertInFlightMessageIsResent(String clientId, String topic, boolean restart) throws Exception {
        Received inFlight;
        try (RawMqttClient sub =
                SubscriberPackets.connect(broker.mqttPort(), MqttVersion.MQTT_3_1_1, clientId, false, false)) {
            assertThat(SubscriberPackets.subscribe(sub, 1, MqttQoS.AT_LEAST_ONCE, topic))
                    .containsExactly(1);
            try (V3Client pub = V3Client.connect(broker.node(), clientId + "-pub")) {
                pub.publish(topic, "acknowledged", 1, false);
                pub.publish(topic, "in-flight", 1, false);
            }
            Received first = nextPublish(sub);
            assertThat(first.payload()).isEqualTo("acknowledged");
            ack(sub, MqttMessageType.PUBACK, first.packetId());
            inFlight = nextPublish(sub);
            assertThat(inFlight.payload()).isEqualTo("in-flight");
            assertThat(inFlight.dup()).isFalse();
        } // dropped without PUBACK
        if (restart) {
            broker.restart();
        }

        try (RawMqttClient again =
                SubscriberPackets.connect(broker.mqttPort(), MqttVersion.MQTT_3_1_1, clientId, false, true)) {
            Received resent = nextPublish(again);
            assertThat(resent.payload()).isEqualTo("in-flight");
            assertThat(resent.qos()).isEqualTo(1);
            assertThat(resent.dup()).as("DUP [MQTT-3.3.1-1]").isTrue();
            assertThat(resent.packetId())
                    .as("original packet id [MQTT-4.4.0-1]")
                    .isEqualTo(inFlight.packetId());
            ack(again, MqttMessageType.PUBACK, resent.packetId());
        }
    }

    @Test
    void qos2MessageIsDeliveredExactlyOnceAcrossAReconnect() throws Exception {
        int port = broker.mqttPort();
        int packetId;
        try (RawMqttClient sub =
                SubscriberPackets.connect(port, MqttVersion.MQTT_3_1_1, "exactly-once", false, false)) {
            SubscriberPackets.subscribe(sub, 1, MqttQoS.EXACTLY_ONCE, "p4/t");
            try (V3Client pub = V3Client.connect(broker.node(), "exactly-once-pub")) {
                pub.publish("p4/t", "once", 2, false);
            }
            Received publish = nextPublish(sub);
            assertThat(publish.qos()).isEqualTo(2);
            packetId = publish.packetId();
            ack(sub, MqttMessageType.PUBREC, packetId);
            Packet pubrel = next(sub, SubscriberPackets.TIMEOUT);
            assertThat(pubrel).isNotNull();
            assertThat(pubrel.type()).isEqualTo(MqttMessageType.PUBREL);
        } // dropped before PUBCOMP

        try (RawMqttClient again =
                SubscriberPackets.connect(port, MqttVersion.MQTT_3_1_1, "exactly-once", false, true)) {
            Packet first = next(again, SubscriberPackets.TIMEOUT);
            assertThat(first).isNotNull();
            assertThat(first.type()).as("PUBREL is re-sent, not the PUBLISH").isEqualTo(MqttMessageType.PUBREL);
            assertThat(first.packetId()).isEqualTo(packetId);
            ack(again, MqttMessageType.PUBCOMP, packetId);

            try (V3Client pub = V3Client.connect(broker.node(), "exactly-once-pub-2")) {
                pub.publish("p4/t", "next", 2, false);
            }
            Received following = nextPublish(again);
            assertThat(following.payload())
                    .as("the completed message is not delivered again")
                    .isEqualTo("next");
            ack(again, MqttMessageType.PUBREC, following.packetId());
        }
    }

    @Test
    void qos0MessagesAreNotQueuedForAnOfflineSession() throws Exception {
        try (V3Client sub = V3Client.connect(broker.node(), "no-qos0", false).subscribe("p5/t", 2)) {
            assertThat(sub.sessionPresent).isFalse();
        }
        try (V3Client pub = V3Client.connect(broker.node(), "no-qos0-pub")) {
            pub.publish("p5/t", "zero", 0, false);
            pub.publish("p5/t", "one", 1, false);
        }
        try (V3Client again = V3Client.connect(broker.node(), "no-qos0", false)) {
            awaitPayload(again, "one");
            assertThat(again.payloads()).containsExactly("one");
        }
    }

    @Test
    void sessionExpiresAfterItsExpiryIntervalOffline() {
        try (V5Client sub = V5Client.connect(broker.node(), "expiring", false, 2)) {
            sub.client
                    .subscribeWith()
                    .topicFilter("p6/t")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
        }
        long offlineSince = System.currentTimeMillis();
        try (V5Client pub = V5Client.connect(broker.node(), "expiring-pub")) {
            pub.publish("p6/t", "lost", 1, false);
        }
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> sessionTombstoned("expiring"));
        assertThat(System.currentTimeMillis() - offlineSince)
                .as("not before the expiry interval")
                .isGreaterThanOrEqualTo(1900);

        assertNoSessionAndNoOfflineMessages("expiring", false, "p6/t");
    }

    @Test
    void sessionExpirySetToZeroAtDisconnectEndsTheSession() {
        try (V5Client sub = V5Client.connect(broker.node(), "expiry-at-disconnect", false, 300)) {
            sub.client
                    .subscribeWith()
                    .topicFilter("p7/t")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            sub.client.disconnectWith().sessionExpiryInterval(0).send();
        }
        try (V5Client pub = V5Client.connect(broker.node(), "expiry-at-disconnect-pub")) {
            pub.publish("p7/t", "lost", 1, false);
        }
        assertNoSessionAndNoOfflineMessages("expiry-at-disconnect", false, "p7/t");
    }

    @Test
    void mqtt5SessionResumesWithinItsExpiryAndCleanStartDiscardsIt() {
        try (V5Client sub = V5Client.connect(broker.node(), "clean-start", false, 300)) {
            sub.client
                    .subscribeWith()
                    .topicFilter("p8/t")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
        }
        try (V5Client pub = V5Client.connect(broker.node(), "clean-start-pub")) {
            pub.publish("p8/t", "queued", 1, false);
        }
        try (V5Client resumed = V5Client.connect(broker.node(), "clean-start", false, 300)) {
            assertThat(resumed.connAck.isSessionPresent()).isTrue();
            await().atMost(Duration.ofSeconds(20)).until(() -> resumed.hasPayload("queued"));
        }
        try (V5Client pub = V5Client.connect(broker.node(), "clean-start-pub")) {
            pub.publish("p8/t", "lost", 1, false);
        }
        assertNoSessionAndNoOfflineMessages("clean-start", true, "p8/t");
    }

    /** Reconnects: no session, nothing from the offline period, only a marker published after subscribing. */
    private static void assertNoSessionAndNoOfflineMessages(String clientId, boolean cleanStart, String topic) {
        try (V5Client again = V5Client.connect(broker.node(), clientId, cleanStart, 300);
                V5Client pub = V5Client.connect(broker.node(), clientId + "-marker")) {
            assertThat(again.connAck.isSessionPresent()).isFalse();
            again.client
                    .subscribeWith()
                    .topicFilter(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            pub.publish(topic, "marker", 1, false);
            await().atMost(Duration.ofSeconds(20)).until(() -> again.hasPayload("marker"));
            assertThat(again.payloads()).containsExactly("marker");
        }
    }

    private static boolean sessionTombstoned(String clientId) {
        var last = broker
                .kafka()
                .readAll(broker.settings()
                        .get(BrokerConfig.SESSIONS_TOPIC_CONFIG)
                        .toString())
                .stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(clientId))
                .reduce((a, b) -> b);
        return last.isPresent() && last.get().value() == null;
    }
}
