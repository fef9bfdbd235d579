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

import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption.RetainedHandlingPolicy;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.protocol.scenario.TestClient.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
        connected(V5, "pub").send(publish("r/x", "v", 0, 0, true, MqttProperties.NO_PROPERTIES));
        assertThat(plain.publish().retain()).isFalse();
        assertThat(rap.publish().retain()).isTrue();
    }

    @Test
    void unsubscribeStopsDelivery() {
        // [MQTT-3.10.4-4] UNSUBACK with the packet id; [MQTT-3.10.4-2] no new messages afterwards
        TestClient c = connected(V5, "sub");
        c.send(subscribe(1, "u/t", 0));
        c.subAck();
        c.send(ClientPackets.unsubscribe(2, "u/t"));
        TestClient.Reply ack = c.reply(MqttMessageType.UNSUBACK);
        assertThat(ack.packetId()).isEqualTo(2);
        connected(V5, "pub").send(publish("u/t", "late", 0, 0));
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
        connected(V5, "pub").send(publish("o/1", "one", 1, 1));
        Received r = c.publish();
        assertThat(r.qos()).isEqualTo(1);
        c.send(ClientPackets.reply(MqttMessageType.PUBACK, r.packetId()));
        c.expectNothing();
    }
}
