/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import static io.tributary.mqtt.protocol.scenario.ClientPackets.V3;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.V5;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.connect;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.intProp;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.options;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.props;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.publish;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption.RetainedHandlingPolicy;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.protocol.scenario.TestClient.Received;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SUBSCRIBE and UNSUBSCRIBE: what is granted, and what reaches the subscriber from the log. */
class SubscribeScenariosTest {

    private static final RetainedHandlingPolicy SEND_AT_SUBSCRIBE = RetainedHandlingPolicy.SEND_AT_SUBSCRIBE;

    private final ProtocolHarness node = new ProtocolHarness();

    @AfterEach
    void close() {
        node.close();
    }

    private TestClient connected(MqttVersion version, String clientId) {
        TestClient c = node.open(version).send(connect(version, clientId, true).build());
        assertThat(c.connAckCode()).isZero();
        return c;
    }

    private void retain(String topic, String payload) {
        TestClient p = connected(V3, "retainer");
        p.send(publish(topic, payload, 1, 1, true, MqttProperties.NO_PROPERTIES));
        p.reply(MqttMessageType.PUBACK);
    }

    @Test
    void subackGrantsTheRequestedQos() {
        // [MQTT-3.8.4-1] SUBACK with the packet id; [MQTT-3.9.3-1] one code per filter
        TestClient c = connected(V3, "sub");
        c.send(subscribe(1, "a/0", 0));
        assertThat(c.subAck()).containsExactly(0);
        c.send(subscribe(2, "a/1", 1));
        assertThat(c.subAck()).containsExactly(1);
        c.send(subscribe(3, "a/+/2", 2));
        assertThat(c.subAck()).containsExactly(2);
    }

    @Test
    void publishReachesASubscriberOnAnotherConnectionAtTheLowerQos() {
        // [MQTT-3.8.4-8]: delivered at the minimum of published QoS and granted QoS
        TestClient sub = connected(V3, "sub");
        sub.send(subscribe(1, "home/+/temp", 1));
        sub.subAck();
        TestClient pub = connected(V3, "pub");
        pub.send(publish("home/kitchen/temp", "20", 2, 4));
        pub.reply(MqttMessageType.PUBREC);

        Received r = sub.publish();
        assertThat(r.topic()).isEqualTo("home/kitchen/temp");
        assertThat(r.payload()).isEqualTo("20");
        assertThat(r.qos()).isEqualTo(1);
        assertThat(r.retain()).isFalse();
        assertThat(r.packetId()).isNotZero();
        sub.send(ClientPackets.reply(MqttMessageType.PUBACK, r.packetId()));
        sub.expectNothing();
    }

    @Test
    void qos2DeliveryRunsPubrecPubrelPubcomp() {
        // [MQTT-4.3.3-1]: the sender keeps the message until PUBREC, then sends PUBREL, awaits PUBCOMP
        TestClient sub = connected(V5, "sub");
        sub.send(subscribe(1, "q2", 2));
        sub.subAck();
        TestClient pub = connected(V5, "pub");
        pub.send(publish("q2", "exactly", 2, 1));
        Received r = sub.publish();
        assertThat(r.qos()).isEqualTo(2);
        sub.send(ClientPackets.reply(MqttMessageType.PUBREC, r.packetId()));
        assertThat(sub.reply(MqttMessageType.PUBREL).packetId()).isEqualTo(r.packetId());
        sub.send(ClientPackets.reply(MqttMessageType.PUBCOMP, r.packetId()));
        sub.expectNothing();
    }

    @Test
    void retainedMessageIsSentOnSubscribeWithRetainSet() {
        // [MQTT-3.3.1-9]: retained messages sent because of a new subscription have RETAIN 1
        retain("status/door", "open");
        TestClient c = connected(V3, "sub");
        c.send(subscribe(1, "status/+", 1));
        assertThat(c.subAck()).containsExactly(1);
        Received r = c.publish();
        assertThat(r.topic()).isEqualTo("status/door");
        assertThat(r.payload()).isEqualTo("open");
        assertThat(r.retain()).isTrue();
    }

    @Test
    void retainHandling2SendsNoRetainedMessage() {
        // [MQTT-3.3.1-11]: Retain Handling 2: no retained messages at subscribe
        retain("status/door", "open");
        TestClient c = connected(V5, "sub");
        c.send(subscribe(
                1,
                "status/+",
                options(1, false, false, RetainedHandlingPolicy.DONT_SEND_AT_SUBSCRIBE),
                MqttProperties.NO_PROPERTIES));
        assertThat(c.subAck()).containsExactly(1);
        c.expectNothing();
    }

    @Test
    void retainHandling1SendsRetainedOnlyForANewSubscription() {
        // [MQTT-3.3.1-10]: Retain Handling 1: only if the subscription did not exist
        retain("status/door", "open");
        TestClient c = connected(V5, "sub");
        var opts = options(1, false, false, RetainedHandlingPolicy.SEND_AT_SUBSCRIBE_IF_NOT_YET_EXISTS);
        c.send(subscribe(1, "status/+", opts, MqttProperties.NO_PROPERTIES));
        c.subAck();
        Received first = c.publish();
        c.send(ClientPackets.reply(MqttMessageType.PUBACK, first.packetId()));
        c.send(subscribe(2, "status/+", opts, MqttProperties.NO_PROPERTIES));
        c.subAck();
        c.expectNothing();
    }

    @Test
    void noLocalSkipsTheSubscribersOwnMessages() {
        // [MQTT-3.8.3-3]
        TestClient c = connected(V5, "chat");
        c.send(subscribe(1, "room/1", options(0, true, false, SEND_AT_SUBSCRIBE), MqttProperties.NO_PROPERTIES));
        c.subAck();
        TestClient other = connected(V5, "other");
        other.send(subscribe(1, "room/1", 0));
        other.subAck();

        c.send(publish("room/1", "hello", 0, 0));
        c.expectNothing();
        assertThat(other.publish().payload()).isEqualTo("hello");
        assertThat(node.messages.records()).hasSize(1); // still written to Kafka
        other.send(publish("room/1", "foreign", 0, 0));
        assertThat(c.publish().payload()).isEqualTo("foreign");
    }

    @Test
    void subscriptionIdentifierIsForwardedWithTheMessage() {
        // [MQTT-3.3.4-3]: the Subscription Identifier of the matching subscription is in the PUBLISH
        TestClient c = connected(V5, "sub");
        c.send(subscribe(
                1,
                "a/#",
                options(0, false, false, SEND_AT_SUBSCRIBE),
                props(intProp(MqttProperties.SUBSCRIPTION_IDENTIFIER, 17))));
        c.subAck();
        connected(V5, "pub").send(publish("a/b", "x", 0, 0));
        assertThat(c.publish().intProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER))
                .isEqualTo(17);
    }

    @Test
    void retainAsPublishedKeepsTheRetainFlagOnLiveDelivery() {
        // [MQTT-3.3.1-12] RAP 0: RETAIN 0 on live delivery; [MQTT-3.3.1-13] RAP 1: as published
        TestClient plain = connected(V5, "plain");
        plain.send(subscribe(1, "r/x", options(0, false, false, SEND_AT_SUBSCRIBE), MqttProperties.NO_PROPERTIES));
        plain.subAck();
        TestClient rap = connected(V5, "rap");
        rap.send(subscribe(1, "r/x", options(0, false, true, SEND_AT_SUBSCRIBE), MqttProperties.NO_PROPERTIES));
        rap.subAck();
        TestClient pub = connected(V5, "pub");
        pub.send(publish("r/x", "v", 0, 0, true, MqttProperties.NO_PROPERTIES));
        assertThat(plain.publish().retain()).isFalse();
        assertThat(rap.publish().retain()).isTrue();
        pub.send(publish("r/x", "plain", 0, 0));
        assertThat(plain.publish().retain()).isFalse();
        assertThat(rap.publish().retain()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(
            value = MqttVersion.class,
            names = {"MQTT_3_1_1", "MQTT_5"})
    void unsubscribeStopsDelivery(MqttVersion version) {
        // [MQTT-3.10.4-4] UNSUBACK with the packet id; [MQTT-3.10.4-2] no new messages afterwards
        TestClient c = connected(version, "sub");
        c.send(subscribe(1, "u/t", 0));
        c.subAck();
        TestClient pub = connected(version, "pub");
        pub.send(publish("u/t", "before", 0, 0));
        assertThat(c.publish().payload()).isEqualTo("before");
        c.send(ClientPackets.unsubscribe(2, "u/t"));
        TestClient.Reply ack = c.reply(MqttMessageType.UNSUBACK);
        assertThat(ack.packetId()).isEqualTo(2);
        pub.send(publish("u/t", "late", 0, 0));
        c.expectNothing();
    }

    @Test
    void overlappingSubscriptionsDeliverOneMessage() {
        // [MQTT-3.3.4-2]: one copy at the highest QoS of the matching subscriptions
        TestClient c = connected(V5, "sub");
        c.send(subscribe(1, "o/#", 0));
        c.subAck();
        c.send(subscribe(2, "o/+", 1));
        c.subAck();
        TestClient pub = connected(V5, "pub");
        pub.send(publish("o/1", "one", 1, 1));
        Received r = c.publish();
        assertThat(r.qos()).isEqualTo(1);
        c.send(ClientPackets.reply(MqttMessageType.PUBACK, r.packetId()));
        c.expectNothing();
        // Published at QoS 2: one copy at the highest granted QoS, 1
        pub.send(publish("o/1", "two", 2, 2));
        Received two = c.publish();
        assertThat(two.payload()).isEqualTo("two");
        assertThat(two.qos()).isEqualTo(1);
        c.send(ClientPackets.reply(MqttMessageType.PUBACK, two.packetId()));
        c.expectNothing();
    }

    @Test
    void v3OverlappingSubscriptionsDeliverOneCopyAtTheHighestGrantedQos() {
        // [MQTT-3.3.5-1] (3.1.1): three filters match, granted 0, 2 and 1: one copy at QoS 2
        TestClient c = connected(V3, "overlap3");
        c.send(MqttMessageBuilders.subscribe()
                .messageId(1)
                .addSubscription(MqttQoS.AT_MOST_ONCE, "o3/#")
                .addSubscription(MqttQoS.EXACTLY_ONCE, "o3/+")
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "o3/a")
                .build());
        assertThat(c.subAck()).containsExactly(0, 2, 1);
        TestClient pub = connected(V3, "overlap3-pub");
        pub.send(publish("o3/a", "one", 2, 1));
        pub.send(publish("o3/a", "two", 2, 2));
        assertThat(publishes(c)).extracting(g -> g.payload() + "@" + g.qos()).containsExactly("one@2", "two@2");
    }

    @Test
    void singleAndMultiLevelWildcardsMatch() {
        // [MQTT-3.3.2-3] [MQTT-4.7.1-2] '+' one whole level (also an empty one); [MQTT-4.7.1-1] '#' the parent too
        TestClient plus = connected(V3, "wild-plus");
        plus.send(subscribe(1, "w/+/temp", 1));
        plus.subAck();
        TestClient hash = connected(V3, "wild-hash");
        hash.send(subscribe(1, "w/#", 1));
        hash.subAck();
        TestClient pub = connected(V3, "wild-pub");
        int id = 1;
        for (String[] tp : new String[][] {
            {"w/room1/temp", "t1"},
            {"w/room1/humidity", "h1"},
            {"w", "parent"},
            {"w/room1/temp/raw", "deep"},
            {"w//temp", "empty-level"}
        }) {
            pub.send(publish(tp[0], tp[1], 1, id++));
        }
        assertThat(publishes(plus)).extracting(Received::payload).containsExactly("t1", "empty-level");
        assertThat(publishes(hash))
                .extracting(Received::payload)
                .containsExactly("t1", "h1", "parent", "deep", "empty-level");
    }

    @Test
    void dollarTopicsAreNotMatchedByLeadingWildcards() {
        // [MQTT-4.7.2-1]: any topic starting with $ (the broker's own $SYS refuses client publishes)
        TestClient hash = connected(V3, "dollar-hash");
        hash.send(subscribe(1, "#", 1));
        hash.subAck();
        TestClient plus = connected(V3, "dollar-plus");
        plus.send(subscribe(1, "+/x", 1));
        plus.subAck();
        TestClient exact = connected(V3, "dollar-exact");
        exact.send(subscribe(1, "$app/x", 1));
        exact.subAck();
        TestClient pub = connected(V3, "dollar-pub");
        pub.send(publish("$app/x", "system", 1, 1));
        pub.send(publish("d/x", "plain", 1, 2));
        assertThat(publishes(exact)).extracting(Received::topic).containsExactly("$app/x");
        assertThat(publishes(hash)).extracting(Received::topic).containsExactly("d/x");
        assertThat(publishes(plus)).extracting(Received::topic).containsExactly("d/x");
    }

    @Test
    void invalidFiltersAreRefusedInTheSuback() {
        // [MQTT-4.7.1-1] [MQTT-4.7.1-2]; 3.1.1 [MQTT-3.9.3-2] 0x80, MQTT 5 0x8F Topic Filter invalid
        TestClient v3 = connected(V3, "invalid3");
        v3.send(ClientPackets.subscribeAll(1, 1, "a/#/b", "ok/+", "a+", "sport/tennis#"));
        assertThat(v3.subAck()).containsExactly(0x80, 1, 0x80, 0x80);
        TestClient v5 = connected(V5, "invalid5");
        v5.send(ClientPackets.subscribeAll(1, 2, "a/#/b", "ok/+", "a+"));
        assertThat(v5.subAck()).containsExactly(0x8F, 2, 0x8F);
    }

    @Test
    void deliveryIsAtTheLowerOfPublishedAndGrantedQos() {
        // [MQTT-3.8.4-8]: granted QoS 1, published at 0, 1 and 2
        TestClient sub = connected(V3, "minqos");
        sub.send(subscribe(1, "q/a", 1));
        assertThat(sub.subAck()).containsExactly(1);
        TestClient pub = connected(V3, "minqos-pub");
        for (int qos = 0; qos <= 2; qos++) {
            pub.send(publish("q/a", "p" + qos, qos, qos));
        }
        assertThat(publishes(sub)).extracting(g -> g.payload() + "@" + g.qos()).containsExactly("p0@0", "p1@1", "p2@1");
    }

    @Test
    void unsubscribeOfAnUnknownFilterAnswersNoSubscriptionExisted() {
        // [MQTT-3.10.4-5]: UNSUBACK even when nothing was removed; MQTT 5 says so with 0x11
        TestClient c = connected(V5, "unsub5");
        c.send(subscribe(1, "u5/a", 1));
        c.subAck();
        c.send(ClientPackets.unsubscribe(2, "u5/a"));
        assertThat(c.unsubAck()).containsExactly((short) 0x00);
        c.send(ClientPackets.unsubscribe(3, "u5/never"));
        assertThat(c.unsubAck()).containsExactly((short) 0x11);
    }

    @Test
    void everyMatchingSubscriptionIdentifierIsOnTheOneMessage() {
        // [MQTT-3.3.4-3] [MQTT-3.3.4-4]: one copy, with the identifiers of all matching subscriptions
        TestClient c = connected(V5, "subid");
        var opts = options(0, false, false, SEND_AT_SUBSCRIBE);
        c.send(subscribe(1, "si/#", opts, props(intProp(MqttProperties.SUBSCRIPTION_IDENTIFIER, 7))));
        c.subAck();
        c.send(subscribe(2, "si/+", opts, props(intProp(MqttProperties.SUBSCRIPTION_IDENTIFIER, 9))));
        c.subAck();
        c.send(subscribe(3, "si/a", 0));
        c.subAck();
        TestClient pub = connected(V5, "subid-pub");
        pub.send(publish("si/a", "first", 0, 0));
        pub.send(publish("si/b/c", "second", 0, 0));
        List<Received> got = publishes(c);
        assertThat(got).extracting(Received::payload).containsExactly("first", "second");
        assertThat(got.get(0).intProperties(MqttProperties.SUBSCRIPTION_IDENTIFIER))
                .containsExactlyInAnyOrder(7, 9);
        assertThat(got.get(1).intProperties(MqttProperties.SUBSCRIPTION_IDENTIFIER))
                .containsExactly(7);
    }

    /** Every PUBLISH the client has been sent so far; any other packet is a failure. */
    private static List<Received> publishes(TestClient c) {
        List<Received> got = new ArrayList<>();
        MqttMessage m;
        while ((m = c.next()) != null) {
            if (!(m instanceof MqttPublishMessage p)) {
                ReferenceCountUtil.release(m);
                throw new AssertionError(
                        "expected PUBLISH but got " + m.fixedHeader().messageType());
            }
            got.add(Received.of(p));
        }
        return got;
    }
}
