/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import static io.tributary.mqtt.protocol.scenario.ClientPackets.V3;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.V5;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.connect;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.publish;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.protocol.scenario.InMemoryMessageLog.Appended;
import io.tributary.mqtt.protocol.scenario.TestClient.Reply;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PUBLISH from a client: the records written, and the acknowledgements only after Kafka's. */
class PublishScenariosTest {

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

    @Test
    void qos0PublishWritesOneRecordAndAnswersNothing() {
        TestClient c = connected(V3, "pub");
        c.send(publish("sensors/1/temp", "21.5", 0, 0));
        c.expectNothing();
        assertThat(node.messages.records()).hasSize(1);
        Appended r = node.messages.records().get(0);
        assertThat(r.kafkaTopic()).isEqualTo(ProtocolHarness.MESSAGES_TOPIC);
        assertThat(r.key()).isEqualTo("sensors/1/temp"); // the record key is the MQTT topic
        assertThat(r.payload()).isEqualTo("21.5");
        assertThat(r.message().qos()).isZero();
        assertThat(r.message().publisher()).isEqualTo("pub");
    }

    @Test
    void qos1PubackGoesOutOnlyAfterKafkaAcknowledged() {
        // [MQTT-4.3.2-2]: PUBACK once ownership is taken, which here means once Kafka has the record
        node.messages.holdAcks();
        TestClient c = connected(V5, "pub");
        c.send(publish("a/b", "m1", 1, 7));
        c.expectNothing();
        assertThat(node.messages.awaitingAck()).isEqualTo(1);
        assertThat(node.messages.records()).isEmpty();

        node.messages.ackNext();
        node.settle();
        assertThat(c.reply(MqttMessageType.PUBACK)).isEqualTo(new Reply(MqttMessageType.PUBACK, 7, 0));
        assertThat(node.messages.records()).extracting(Appended::payload).containsExactly("m1");
    }

    @Test
    void pubacksFollowTheOrderOfThePublishes() {
        // [MQTT-4.6.0-2]: PUBACKs in the order the PUBLISHes were received
        node.messages.holdAcks();
        TestClient c = connected(V3, "pub");
        c.send(publish("a/b", "m1", 1, 1));
        c.send(publish("a/b", "m2", 1, 2));
        c.send(publish("a/b", "m3", 1, 3));
        c.expectNothing();
        node.messages.ackAll();
        node.settle();
        assertThat(c.reply(MqttMessageType.PUBACK).packetId()).isEqualTo(1);
        assertThat(c.reply(MqttMessageType.PUBACK).packetId()).isEqualTo(2);
        assertThat(c.reply(MqttMessageType.PUBACK).packetId()).isEqualTo(3);
    }

    @Test
    void aFailureAmongAcknowledgedPublishesKeepsItsPlaceInTheOrder() {
        // Successes of one Kafka batch go out in one buffer; the negative PUBACK between them must not overtake
        // or fall behind them [MQTT-4.6.0-2].
        node.messages.holdAcks();
        TestClient c = connected(V5, "pub");
        c.send(publish("a/b", "m1", 1, 1));
        c.send(publish("a/b", "m2", 1, 2));
        c.send(publish("a/b", "m3", 1, 3));
        c.send(publish("a/b", "m4", 1, 4));
        node.messages.ackNext();
        node.messages.failNext();
        node.messages.ackNext();
        node.messages.ackNext();
        node.settle();
        assertThat(c.reply(MqttMessageType.PUBACK)).isEqualTo(new Reply(MqttMessageType.PUBACK, 1, 0));
        assertThat(c.reply(MqttMessageType.PUBACK)).isEqualTo(new Reply(MqttMessageType.PUBACK, 2, 0x80));
        assertThat(c.reply(MqttMessageType.PUBACK)).isEqualTo(new Reply(MqttMessageType.PUBACK, 3, 0));
        assertThat(c.reply(MqttMessageType.PUBACK)).isEqualTo(new Reply(MqttMessageType.PUBACK, 4, 0));
        assertThat(node.messages.records()).extracting(Appended::payload).containsExactly("m1", "m3", "m4");
    }

    @Test
    void v5KafkaFailureIsANegativePuback() {
        node.messages.holdAcks();
        TestClient c = connected(V5, "pub");
        c.send(publish("a/b", "lost", 1, 9));
        node.messages.failNext();
        node.settle();
        assertThat(c.reply(MqttMessageType.PUBACK)).isEqualTo(new Reply(MqttMessageType.PUBACK, 9, 0x80));
        assertThat(c.isOpen()).isTrue();
        assertThat(node.messages.records()).isEmpty();
    }

    @Test
    void v3KafkaFailureClosesTheConnection() {
        // MQTT 3.1.1 has no negative PUBACK: the client re-sends after reconnecting [MQTT-3.3.5-2]
        node.messages.holdAcks();
        TestClient c = connected(V3, "pub");
        c.send(publish("a/b", "lost", 1, 9));
        node.messages.failNext();
        node.settle();
        c.expectNothing();
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void afterAFailingPubrecTheSamePacketIdIsANewMessage() {
        // [MQTT-4.3.3-9]: a PUBREC of 0x80 or more ends the exchange; the id then names a new message.
        node.messages.holdAcks();
        TestClient c = connected(V5, "pub");
        c.send(publish("a/b", "lost", 2, 6));
        node.messages.failNext();
        node.settle();
        assertThat(c.reply(MqttMessageType.PUBREC)).isEqualTo(new Reply(MqttMessageType.PUBREC, 6, 0x80));
        c.send(publish("a/b", "again", 2, 6));
        node.messages.ackNext();
        node.settle();
        assertThat(c.reply(MqttMessageType.PUBREC)).isEqualTo(new Reply(MqttMessageType.PUBREC, 6, 0));
        assertThat(node.messages.records()).extracting(Appended::payload).containsExactly("again");
    }

    @Test
    void qos2PubrecAfterKafkaThenPubrelPubcomp() {
        // [MQTT-4.3.3-2] PUBREC, [MQTT-4.3.3-11] PUBCOMP for PUBREL
        node.messages.holdAcks();
        TestClient c = connected(V5, "pub");
        c.send(publish("a/b", "once", 2, 5));
        c.expectNothing();
        node.messages.ackNext();
        node.settle();
        assertThat(c.reply(MqttMessageType.PUBREC)).isEqualTo(new Reply(MqttMessageType.PUBREC, 5, 0));
        c.send(reply(MqttMessageType.PUBREL, 5));
        assertThat(c.reply(MqttMessageType.PUBCOMP)).isEqualTo(new Reply(MqttMessageType.PUBCOMP, 5, 0));
        assertThat(node.messages.records()).hasSize(1);
    }

    @Test
    void qos2DuplicateBeforePubrelIsWrittenOnce() {
        // [MQTT-4.3.3-9]: until PUBREL, a PUBLISH with the same packet id is not delivered again
        TestClient c = connected(V5, "pub");
        c.send(publish("a/b", "once", 2, 5));
        assertThat(c.reply(MqttMessageType.PUBREC).packetId()).isEqualTo(5);
        c.send(publish("a/b", "once", 2, 5));
        assertThat(c.reply(MqttMessageType.PUBREC).packetId()).isEqualTo(5);
        c.send(reply(MqttMessageType.PUBREL, 5));
        assertThat(c.reply(MqttMessageType.PUBCOMP).packetId()).isEqualTo(5);
        assertThat(node.messages.records()).hasSize(1);

        c.send(publish("a/b", "again", 2, 5)); // after PUBCOMP the id is free: a new message
        assertThat(c.reply(MqttMessageType.PUBREC).packetId()).isEqualTo(5);
        assertThat(node.messages.records()).extracting(Appended::payload).containsExactly("once", "again");
    }

    @Test
    void pubrelForAnUnknownIdIsAnsweredWithPacketIdentifierNotFound() {
        TestClient c = connected(V5, "pub");
        c.send(reply(MqttMessageType.PUBREL, 42));
        assertThat(c.reply(MqttMessageType.PUBCOMP)).isEqualTo(new Reply(MqttMessageType.PUBCOMP, 42, 0x92));
    }

    @Test
    void retainedPublishWritesTheRetainedLogAndEmptyPayloadClearsIt() {
        // [MQTT-3.3.1-5] stored; [MQTT-3.3.1-6] an empty retained message clears
        TestClient c = connected(V3, "pub");
        c.send(publish("status/door", "open", 1, 1, true, MqttProperties.NO_PROPERTIES));
        assertThat(c.reply(MqttMessageType.PUBACK).packetId()).isEqualTo(1);
        assertThat(node.retainedLog.writes()).hasSize(1);
        assertThat(new String(node.retainedLog.writes().get(0).payload(), StandardCharsets.UTF_8))
                .isEqualTo("open");
        assertThat(node.messages.records().get(0).message().retain()).isTrue();

        c.send(publish("status/door", "", 1, 2, true, MqttProperties.NO_PROPERTIES));
        assertThat(c.reply(MqttMessageType.PUBACK).packetId()).isEqualTo(2);
        assertThat(node.retainedLog.writes().get(1).payload()).isEmpty();
        TestClient late = connected(V3, "late");
        late.send(ClientPackets.subscribe(1, "status/#", 1));
        assertThat(late.subAck()).containsExactly(1);
        late.expectNothing(); // cleared: no retained message on subscribe
    }

    @Test
    void publishIntoSysIsRefused() {
        //  is the broker's own tree: MQTT 5 PUBACK 0x87 Not authorized, nothing written
        TestClient c = connected(V5, "pub");
        c.send(publish("$SYS/broker/uptime", "0", 1, 3));
        assertThat(c.reply(MqttMessageType.PUBACK)).isEqualTo(new Reply(MqttMessageType.PUBACK, 3, 0x87));
        assertThat(node.messages.records()).isEmpty();
    }

    @Test
    void userPropertiesAndContentTypeAreKeptInTheRecord() {
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.StringProperty(MqttProperties.CONTENT_TYPE, "application/json"));
        props.add(new MqttProperties.UserProperty("site", "berlin"));
        TestClient c = connected(V5, "pub");
        c.send(publish("a/b", "{}", 0, 0, false, props));
        Appended r = node.messages.records().get(0);
        assertThat(r.message().properties().contentType()).isEqualTo("application/json");
        assertThat(r.message().properties().userProperties()).hasSize(1);
    }
}
