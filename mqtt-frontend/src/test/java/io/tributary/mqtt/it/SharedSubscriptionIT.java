/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckRestrictions;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.it.SubscriberPackets.Packet;
import io.tributary.mqtt.it.SubscriberPackets.Received;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.wire.ReasonCodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shared subscriptions {@code $share/ShareName/filter} on Kafka share groups, with real clients: each message
 * goes to one member, a member that leaves without acknowledging gives its messages back, and the rules of
 * MQTT 5 section 4.8.2 (no retained messages, No Local is a protocol error, share name syntax).
 */
class SharedSubscriptionIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    private static V5Client member(BrokerNode node, String id, String filter, int qos) {
        V5Client c = V5Client.connect(node, id);
        c.client.subscribeWith().topicFilter(filter).qos(MqttQos.fromCode(qos)).send();
        return c;
    }

    private static List<String> published(String prefix, int n) {
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            payloads.add(prefix + i);
        }
        return payloads;
    }

    private static List<String> union(V5Client... members) {
        List<String> all = new ArrayList<>();
        for (V5Client m : members) {
            all.addAll(m.payloads());
        }
        return all;
    }

    @Test
    void connackAdvertisesSharedSubscriptions() {
        try (V5Client c = V5Client.connect(broker.node(), "share-connack")) {
            Mqtt5ConnAckRestrictions r = c.connAck.getRestrictions();
            assertThat(r.isSharedSubscriptionAvailable()).isTrue();
        }
    }

    @Test
    void eachMessageGoesToExactlyOneMember() throws Exception {
        List<String> sent = published("a-", 30);
        try (V5Client m1 = member(broker.node(), "share-a1", "$share/ga/sa/#", 1);
                V5Client m2 = member(broker.node(), "share-a2", "$share/ga/sa/#", 1);
                V5Client m3 = member(broker.node(), "share-a3", "$share/ga/sa/#", 1);
                V5Client pub = V5Client.connect(broker.node(), "share-a-pub")) {
            for (String p : sent) {
                pub.publish("sa/x", p, 1, false);
            }
            await().atMost(WAIT).until(() -> union(m1, m2, m3).size() >= sent.size());
            // Union = everything, and no message twice [MQTT-4.8.2-3 ... each message to one session].
            assertThat(union(m1, m2, m3)).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(List.of(m1.got.size(), m2.got.size(), m3.got.size()).stream()
                            .filter(n -> n > 0)
                            .count())
                    .as("members that received messages")
                    .isGreaterThan(1);
            assertThat(m1.got).allMatch(g -> g.qos() == 1 && g.topic().equals("sa/x"));
            assertThat(shareIsolationLevels())
                    .as("QoS 2 messages are written in transactions: no aborted one reaches a member")
                    .isNotEmpty()
                    .containsOnly("read_committed");
        }
        assertThat(broker.node().metrics().getSharedDeliveries()).isGreaterThanOrEqualTo(sent.size());
    }

    /** The {@code share.isolation.level} of every share group in Kafka. */
    private static List<String> shareIsolationLevels() throws Exception {
        org.apache.kafka.clients.admin.Admin admin = broker.kafka().admin();
        List<org.apache.kafka.common.config.ConfigResource> groups =
                admin.listGroups(org.apache.kafka.clients.admin.ListGroupsOptions.forShareGroups()).all().get().stream()
                        .map(g -> new org.apache.kafka.common.config.ConfigResource(
                                org.apache.kafka.common.config.ConfigResource.Type.GROUP, g.groupId()))
                        .toList();
        return admin.describeConfigs(groups).all().get().values().stream()
                .map(c -> c.get(io.tributary.mqtt.kafka.ShareGroupStart.ISOLATION_LEVEL_CONFIG)
                        .value())
                .toList();
    }

    @Test
    void messagesOfAMemberThatLeavesWithoutPubackGoToAnother() throws Exception {
        long releasesBefore = broker.node().metrics().getSharedReleases();
        List<String> received = new ArrayList<>();
        try (RawMqttClient silent = SubscriberPackets.connect(
                        broker.mqttPort(), MqttVersion.MQTT_5, "share-b-silent", true, false);
                V5Client pub = V5Client.connect(broker.node(), "share-b-pub")) {
            assertThat(SubscriberPackets.subscribe(silent, 1, MqttQoS.AT_LEAST_ONCE, "$share/gb/sb/#"))
                    .containsExactly(1);
            for (int i = 0; i < 5; i++) {
                pub.publish("sb/x", "b-" + i, 1, false);
            }
            // The silent member receives messages and never sends PUBACK. (Its share consumer waits for the
            // acknowledgements of a poll before the next one, so not all five need to reach it.)
            received.add(SubscriberPackets.nextPublish(silent).payload());
            try (V5Client other = member(broker.node(), "share-b-other", "$share/gb/sb/#", 1)) {
                silent.close(); // connection lost with unacknowledged messages: they are released to Kafka
                await().atMost(WAIT).until(() -> other.got.size() >= 5);
                assertThat(other.payloads()).containsExactlyInAnyOrder("b-0", "b-1", "b-2", "b-3", "b-4");
                assertThat(other.got).allMatch(g -> g.qos() == 1);
            }
        }
        assertThat(broker.node().metrics().getSharedReleases() - releasesBefore)
                .isGreaterThanOrEqualTo(received.size());
    }

    @Test
    void recordsABusyMemberCannotTakeWaitForAnotherMemberInsteadOfBeingReleased() throws Exception {
        // A node whose sessions queue at most 2 messages, and a member with Receive Maximum 1 that never PUBACKs.
        try (BrokerNode small = TestBroker.start(
                broker.kafka(),
                TestBroker.with(
                        TestBroker.with(broker.settings(), BrokerConfig.SESSION_QUEUE_CONFIG, 2),
                        BrokerConfig.NODE_ID_CONFIG,
                        "small"))) {
            MqttProperties receiveMaximum = new MqttProperties();
            receiveMaximum.add(new MqttProperties.IntegerProperty(MqttProperties.RECEIVE_MAXIMUM, 1));
            List<String> sent = published("q-", 10);
            try (RawMqttClient busy = SubscriberPackets.connect(
                            small.mqttPort(), MqttVersion.MQTT_5, "share-q-busy", true, receiveMaximum, false);
                    V5Client pub = V5Client.connect(broker.node(), "share-q-pub")) {
                assertThat(SubscriberPackets.subscribe(busy, 1, MqttQoS.AT_LEAST_ONCE, "$share/gq/sq/#"))
                        .containsExactly(1);
                for (String p : sent) {
                    pub.publish("sq/u", p, 1, false);
                }
                SubscriberPackets.nextPublish(busy); // one in flight, at most two queued behind it
                try (V5Client other = member(small, "share-q-other", "$share/gq/sq/#", 1)) {
                    busy.close();
                    await().atMost(WAIT).until(() -> other.got.size() >= sent.size());
                    assertThat(other.payloads()).containsExactlyInAnyOrderElementsOf(sent);
                }
            }
            // Only what the busy member held went back to Kafka; the rest waited for a member with room.
            assertThat(small.metrics().getSharedReleases()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void retainedMessagesAreNotSentOnASharedSubscription() {
        try (V5Client pub = V5Client.connect(broker.node(), "share-c-pub")) {
            pub.publish("sc/r", "retained", 1, true);
            try (V5Client m = member(broker.node(), "share-c1", "$share/gc/sc/#", 1)) {
                pub.publish("sc/r", "live", 1, false);
                await().atMost(WAIT).until(() -> m.hasPayload("live"));
                // MQTT 5 section 4.8.2: retained messages go to non-shared subscriptions only.
                assertThat(m.payloads()).containsExactly("live");
            }
        }
    }

    @Test
    void normalSubscriberGetsEverythingWhileTheGroupShares() {
        List<String> sent = published("d-", 20);
        try (V5Client plain = member(broker.node(), "share-d-plain", "sd/#", 1);
                V5Client m1 = member(broker.node(), "share-d1", "$share/gd/sd/#", 1);
                V5Client m2 = member(broker.node(), "share-d2", "$share/gd/sd/#", 1);
                V5Client pub = V5Client.connect(broker.node(), "share-d-pub")) {
            for (String p : sent) {
                pub.publish("sd/y", p, 1, false);
            }
            await().atMost(WAIT).until(() -> union(m1, m2).size() >= sent.size() && plain.got.size() >= sent.size());
            assertThat(plain.payloads()).containsExactlyElementsOf(sent);
            assertThat(union(m1, m2)).containsExactlyInAnyOrderElementsOf(sent);
        }
    }

    @Test
    void twoShareNamesOnOneFilterEachGetEveryMessageOnce() {
        List<String> sent = published("e-", 10);
        try (V5Client g1 = member(broker.node(), "share-e1", "$share/ge1/se/#", 1);
                V5Client g2 = member(broker.node(), "share-e2", "$share/ge2/se/#", 1);
                V5Client pub = V5Client.connect(broker.node(), "share-e-pub")) {
            for (String p : sent) {
                pub.publish("se/z", p, 1, false);
            }
            await().atMost(WAIT).until(() -> g1.got.size() >= sent.size() && g2.got.size() >= sent.size());
            assertThat(g1.payloads()).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(g2.payloads()).containsExactlyInAnyOrderElementsOf(sent);
        }
    }

    @Test
    void invalidShareNamesAreTopicFilterInvalid() throws Exception {
        try (RawMqttClient c =
                SubscriberPackets.connect(broker.mqttPort(), MqttVersion.MQTT_5, "share-f5", true, false)) {
            // [MQTT-4.8.2-1] $share/{ShareName}/{filter}, [MQTT-4.8.2-2] no wildcards in the ShareName.
            assertThat(SubscriberPackets.subscribe(
                            c,
                            1,
                            MqttQoS.AT_LEAST_ONCE,
                            "$share//a",
                            "$share/g+/a",
                            "$share/g#/a",
                            "$share/g",
                            "$share/g/"))
                    .containsExactly(0x8F, 0x8F, 0x8F, 0x8F, 0x8F);
        }
        try (RawMqttClient c =
                SubscriberPackets.connect(broker.mqttPort(), MqttVersion.MQTT_3_1_1, "share-f3", true, false)) {
            assertThat(SubscriberPackets.subscribe(c, 1, MqttQoS.AT_LEAST_ONCE, "$share//a", "$share/ok/f/#"))
                    .containsExactly(0x80, 1);
        }
    }

    @Test
    void noLocalOnASharedSubscriptionIsAProtocolError() throws Exception {
        try (RawMqttClient c =
                SubscriberPackets.connect(broker.mqttPort(), MqttVersion.MQTT_5, "share-g5", true, false)) {
            c.send(MqttMessageBuilders.subscribe()
                    .messageId(1)
                    .addSubscription(
                            "$share/gg/sg/#",
                            new MqttSubscriptionOption(
                                    MqttQoS.AT_LEAST_ONCE,
                                    true,
                                    false,
                                    MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE))
                    .build());
            // [MQTT-3.8.3-4]
            assertThat(RawPackets.disconnectReason(c)).isEqualTo(ReasonCodes.PROTOCOL_ERROR);
        }
    }

    @Test
    void persistentMemberGetsWhatWaitedInTheGroupOnceNotAlsoFromItsOfflineQueue() {
        try (V5Client m = V5Client.connect(broker.node(), "share-h1", true, 300)) {
            m.client
                    .subscribeWith()
                    .topicFilter("$share/gh/sh/#")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
        }
        List<String> sent = published("h-", 5);
        try (V5Client pub = V5Client.connect(broker.node(), "share-h-pub")) {
            for (String p : sent) {
                pub.publish("sh/w", p, 1, false); // no member connected: they wait in the share group
            }
        }
        try (V5Client m = V5Client.connect(broker.node(), "share-h1", false, 300)) {
            assertThat(m.connAck.isSessionPresent()).isTrue();
            await().atMost(WAIT).until(() -> m.got.size() >= sent.size());
            try (V5Client marker = V5Client.connect(broker.node(), "share-h-marker")) {
                marker.publish("sh/w", "h-end", 1, false);
            }
            await().atMost(WAIT).until(() -> m.hasPayload("h-end"));
            assertThat(m.payloads()).containsExactlyInAnyOrder("h-0", "h-1", "h-2", "h-3", "h-4", "h-end");
        }
    }

    /** A persistent member (MQTT 3.1.1, clean session 0) of {@code filter} at QoS 2, connected to {@code port}. */
    private static RawMqttClient persistentMember(int port, String id, String filter) throws Exception {
        RawMqttClient c = SubscriberPackets.connect(port, MqttVersion.MQTT_3_1_1, id, false, false);
        assertThat(SubscriberPackets.subscribe(c, 1, MqttQoS.EXACTLY_ONCE, filter))
                .containsExactly(2);
        return c;
    }

    private static void publish(String topic, String payload) {
        try (V5Client pub = V5Client.connect(broker.node(), "share-qos2-pub")) {
            pub.publish(topic, payload, 2, false);
        }
    }

    /** Receives a QoS 2 message to the end (PUBREC, PUBREL, PUBCOMP); returns it. */
    private static Received receiveQos2(RawMqttClient c) throws Exception {
        Received r = SubscriberPackets.nextPublish(c);
        assertThat(r.qos()).isEqualTo(2);
        SubscriberPackets.ack(c, MqttMessageType.PUBREC, r.packetId());
        Packet pubrel = SubscriberPackets.next(c, SubscriberPackets.TIMEOUT);
        assertThat(pubrel).as("PUBREL").isNotNull();
        assertThat(pubrel.type()).isEqualTo(MqttMessageType.PUBREL);
        assertThat(pubrel.packetId()).isEqualTo(r.packetId());
        SubscriberPackets.ack(c, MqttMessageType.PUBCOMP, r.packetId());
        return r;
    }

    @Test
    void qos2MessageInFlightBeforePubrecIsSentAgainToTheSameMemberWhenItReconnects() throws Exception {
        assertInFlightQos2MessageIsSentAgain("share-r", "$share/gr/sr/#", "sr/x", broker.node());
    }

    @Test
    void qos2MessageInFlightBeforePubrecIsSentAgainWhenTheMemberReconnectsToAnotherNode() throws Exception {
        try (BrokerNode second = TestBroker.start(
                broker.kafka(), TestBroker.with(broker.settings(), BrokerConfig.NODE_ID_CONFIG, "r2"))) {
            // The state goes through the session's record in Kafka: the other node reads the record back by offset.
            assertInFlightQos2MessageIsSentAgain("share-t", "$share/gt/st/#", "st/x", second);
        }
    }

    /**
     * [MQTT-4.8.2-4]: a member that loses its connection before PUBREC gets the message again when it reconnects, with
     * DUP and under its packet id [MQTT-4.4.0-1], exactly once; [MQTT-4.8.2-5]: no other member gets it.
     */
    private static void assertInFlightQos2MessageIsSentAgain(
            String id, String filter, String topic, BrokerNode resumeOn) throws Exception {
        Received inFlight;
        try (RawMqttClient member = persistentMember(broker.mqttPort(), id + "1", filter)) {
            publish(topic, "in-flight");
            inFlight = SubscriberPackets.nextPublish(member);
            assertThat(inFlight.payload()).isEqualTo("in-flight");
            assertThat(inFlight.qos()).isEqualTo(2);
        } // dropped without PUBREC
        try (V5Client other = member(broker.node(), id + "2", filter, 2)) {
            // Had the message gone back to the group, the only member left would get it, ahead of this one.
            publish(topic, "after");
            await().atMost(WAIT).until(() -> other.hasPayload("after"));
            try (RawMqttClient again =
                    SubscriberPackets.connect(resumeOn.mqttPort(), MqttVersion.MQTT_3_1_1, id + "1", false, true)) {
                Received resent = receiveQos2(again);
                assertThat(resent.payload()).isEqualTo("in-flight");
                assertThat(resent.dup()).as("DUP [MQTT-3.3.1-1]").isTrue();
                assertThat(resent.packetId())
                        .as("original packet id [MQTT-4.4.0-1]")
                        .isEqualTo(inFlight.packetId());
                assertThat(resent.topic()).isEqualTo(topic);
                assertThat(other.payloads())
                        .as("no other member gets it [MQTT-4.8.2-5]")
                        .containsExactly("after");
                // The member that reconnected is the only one left (UNSUBACK comes once the other has left the group):
                // the next message is its own, and nothing of the completed one comes before it.
                other.client.unsubscribeWith().topicFilter(filter).send();
                publish(topic, "next");
                Received next = receiveQos2(again);
                assertThat(next.payload())
                        .as("the completed message is not sent again")
                        .isEqualTo("next");
                assertThat(next.dup()).isFalse();
            }
        }
    }

    @Test
    void qos2MessageReleasedBeforeTheConnectionBrokeIsCompletedWithPubrelOnReconnect() throws Exception {
        int packetId;
        try (RawMqttClient member = persistentMember(broker.mqttPort(), "share-s1", "$share/gs/ss/#")) {
            publish("ss/x", "released");
            Received publish = SubscriberPackets.nextPublish(member);
            assertThat(publish.payload()).isEqualTo("released");
            packetId = publish.packetId();
            SubscriberPackets.ack(member, MqttMessageType.PUBREC, packetId);
            Packet pubrel = SubscriberPackets.next(member, SubscriberPackets.TIMEOUT);
            assertThat(pubrel).isNotNull();
            assertThat(pubrel.type()).isEqualTo(MqttMessageType.PUBREL);
        } // dropped before PUBCOMP
        try (RawMqttClient again =
                SubscriberPackets.connect(broker.mqttPort(), MqttVersion.MQTT_3_1_1, "share-s1", false, true)) {
            // [MQTT-4.8.2-4] with [MQTT-4.4.0-1]: the exchange is completed, PUBREL again, not the message.
            Packet first = SubscriberPackets.next(again, SubscriberPackets.TIMEOUT);
            assertThat(first).as("PUBREL on reconnect").isNotNull();
            assertThat(first.type()).isEqualTo(MqttMessageType.PUBREL);
            assertThat(first.packetId()).isEqualTo(packetId);
            SubscriberPackets.ack(again, MqttMessageType.PUBCOMP, packetId);
            publish("ss/x", "next");
            assertThat(receiveQos2(again).payload())
                    .as("the completed message is not sent again")
                    .isEqualTo("next");
        }
    }

    @Test
    void aMessageAMemberRefusesWithAFailureCodeIsDiscardedNotGivenToAnotherMember() throws Exception {
        // [MQTT-4.8.2-6]: PUBACK or PUBREC of 0x80 or more: the message is discarded, no other member gets it.
        try (RawMqttClient refusing =
                SubscriberPackets.connect(broker.mqttPort(), MqttVersion.MQTT_5, "share-u1", true, false)) {
            assertThat(SubscriberPackets.subscribe(refusing, 1, MqttQoS.EXACTLY_ONCE, "$share/gu/su/#"))
                    .containsExactly(2);
            try (V5Client pub = V5Client.connect(broker.node(), "share-u-pub")) {
                pub.publish("su/x", "refused-puback", 1, false);
                Received qos1 = SubscriberPackets.nextPublish(refusing);
                assertThat(qos1.payload()).isEqualTo("refused-puback");
                refusing.send(failure(MqttMessageType.PUBACK, qos1.packetId()));
                pub.publish("su/x", "refused-pubrec", 2, false);
                Received qos2 = SubscriberPackets.nextPublish(refusing);
                assertThat(qos2.payload()).isEqualTo("refused-pubrec");
                refusing.send(failure(MqttMessageType.PUBREC, qos2.packetId()));
            }
        } // the member leaves: a message it had not completed would go back to the group now
        try (V5Client other = member(broker.node(), "share-u2", "$share/gu/su/#", 2)) {
            publish("su/x", "after");
            await().atMost(WAIT).until(() -> other.hasPayload("after"));
            assertThat(other.payloads()).containsExactly("after");
        }
    }

    /** A PUBACK or PUBREC with reason code 0x80 (Unspecified error). */
    private static io.netty.handler.codec.mqtt.MqttMessage failure(MqttMessageType type, int packetId) {
        return new io.netty.handler.codec.mqtt.MqttMessage(
                new io.netty.handler.codec.mqtt.MqttFixedHeader(type, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader(
                        packetId, (byte) 0x80, MqttProperties.NO_PROPERTIES));
    }

    @Test
    void membersOnTwoNodesShareOneGroup() {
        List<String> sent = published("n-", 30);
        try (BrokerNode second = TestBroker.start(
                        broker.kafka(), TestBroker.with(broker.settings(), BrokerConfig.NODE_ID_CONFIG, "n2"));
                V5Client m1 = member(broker.node(), "share-n1", "$share/gn/sn/#", 1);
                V5Client m2 = member(second, "share-n2", "$share/gn/sn/#", 1);
                V5Client pub = V5Client.connect(broker.node(), "share-n-pub")) {
            for (String p : sent) {
                pub.publish("sn/v", p, 1, false);
            }
            await().atMost(WAIT).until(() -> union(m1, m2).size() >= sent.size());
            assertThat(union(m1, m2)).containsExactlyInAnyOrderElementsOf(sent);
        }
    }
}
