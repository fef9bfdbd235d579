/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import static io.tributary.mqtt.protocol.scenario.ClientPackets.V3;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.V5;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.connect;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.intProp;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.props;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.protocol.scenario.InMemoryMessageLog.Appended;
import io.tributary.mqtt.protocol.scenario.TestClient.Received;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Will messages: when the node writes them to the log, with the will delay on the scenario's clock. */
class WillScenariosTest {

    private final ProtocolHarness node = new ProtocolHarness();

    @AfterEach
    void close() {
        node.close();
    }

    private static MqttMessageBuilders.ConnectBuilder withWill(
            MqttVersion version, String clientId, int delaySeconds, int expirySeconds) {
        var b = connect(version, clientId, true)
                .willFlag(true)
                .willQoS(MqttQoS.AT_LEAST_ONCE)
                .willTopic("status/" + clientId)
                .willMessage("offline".getBytes(StandardCharsets.UTF_8));
        if (version == V5) {
            b.willProperties(props(intProp(MqttProperties.WILL_DELAY_INTERVAL, delaySeconds)))
                    .properties(props(intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, expirySeconds)));
        }
        return b;
    }

    private TestClient connected(MqttMessageBuilders.ConnectBuilder connect, MqttVersion version) {
        TestClient c = node.open(version).send(connect.build());
        assertThat(c.connAckCode()).isZero();
        return c;
    }

    @Test
    void willIsPublishedWhenTheConnectionDropsWithoutDisconnect() {
        // [MQTT-3.1.2-8]
        TestClient c = connected(withWill(V3, "dev1", 0, 0), V3);
        assertThat(node.messages.records()).isEmpty();
        c.drop();
        assertThat(node.messages.records()).hasSize(1);
        Appended will = node.messages.records().get(0);
        assertThat(will.key()).isEqualTo("status/dev1");
        assertThat(will.payload()).isEqualTo("offline");
        assertThat(will.message().qos()).isEqualTo(1);
        assertThat(will.message().publisher()).isEqualTo("dev1");
    }

    @Test
    void willIsNotPublishedAfterDisconnect() {
        // [MQTT-3.1.2-10]: DISCONNECT removes the will (MQTT 5: DISCONNECT 0x00)
        TestClient c = connected(withWill(V5, "dev1", 0, 0), V5);
        c.send(ClientPackets.disconnect());
        assertThat(c.isOpen()).isFalse();
        TestClient v3 = connected(withWill(V3, "dev3", 0, 0), V3);
        v3.send(ClientPackets.disconnect());
        assertThat(v3.isOpen()).isFalse();
        node.advance(Duration.ofMinutes(5));
        assertThat(node.messages.records()).isEmpty();
    }

    @Test
    void disconnectWithWillMessageReasonPublishesTheWill() {
        // MQTT 5 section 3.14.2.1: reason 0x04 Disconnect with Will Message
        TestClient c = connected(withWill(V5, "dev1", 0, 0), V5);
        c.send(MqttMessageBuilders.disconnect().reasonCode((byte) 0x04).build());
        assertThat(c.isOpen()).isFalse();
        assertThat(node.messages.records()).extracting(Appended::payload).containsExactly("offline");
    }

    @Test
    void disconnectWithAnErrorReasonKeepsTheWill() {
        // [MQTT-3.1.2-10] (MQTT 5): only DISCONNECT 0x00 (Normal disconnection) deletes the will
        TestClient c = connected(withWill(V5, "dev1", 0, 0), V5);
        c.send(MqttMessageBuilders.disconnect().reasonCode((byte) 0x80).build());
        assertThat(c.isOpen()).isFalse();
        assertThat(node.messages.records()).extracting(Appended::payload).containsExactly("offline");
    }

    @Test
    void keepAliveTimeoutPublishesTheWill() {
        // [MQTT-3.1.2-8], [MQTT-3.1.2-24]: a keep-alive timeout is a failure of the connection
        TestClient c = connected(withWill(V3, "dev1", 0, 0).keepAlive(10), V3);
        node.advance(Duration.ofSeconds(14));
        assertThat(node.messages.records()).isEmpty();
        node.advance(Duration.ofSeconds(1));
        assertThat(c.isOpen()).isFalse();
        assertThat(node.messages.records()).extracting(Appended::key).containsExactly("status/dev1");
    }

    @Test
    void willMessageExpiryCountsFromPublicationNotFromConnect() {
        // MQTT 5 section 3.1.3.2.4: the will's Message Expiry Interval is its lifetime once published; a client
        // connected for longer than that still has its will delivered
        TestClient sub = subscriber(V5, "status/#");
        TestClient c = connected(
                withWill(V5, "dev1", 0, 0)
                        .willProperties(props(intProp(MqttProperties.PUBLICATION_EXPIRY_INTERVAL, 2))),
                V5);
        node.advance(Duration.ofSeconds(3));
        c.drop();
        Received will = sub.publish();
        assertThat(will.topic()).isEqualTo("status/dev1");
        assertThat(will.payload()).isEqualTo("offline");
    }

    @Test
    void willPropertiesReachAnMqtt5Subscriber() {
        // [MQTT-3.3.2-20] the Content Type, and the User Properties, of the will are forwarded unaltered
        TestClient sub = subscriber(V5, "status/#");
        TestClient c = connected(
                withWill(V5, "dev1", 0, 0)
                        .willProperties(props(
                                new MqttProperties.UserProperty("reason", "crash"),
                                new MqttProperties.StringProperty(MqttProperties.CONTENT_TYPE, "text/plain"))),
                V5);
        c.drop();
        Received will = sub.publish();
        assertThat(will.payload()).isEqualTo("offline");
        assertThat(will.props().getProperty(MqttProperties.CONTENT_TYPE).value())
                .isEqualTo("text/plain");
        assertThat(will.props().getProperties(MqttProperties.USER_PROPERTY))
                .extracting(p -> (MqttProperties.StringPair) p.value())
                .anySatisfy(pair -> {
                    assertThat(pair.key).isEqualTo("reason");
                    assertThat(pair.value).isEqualTo("crash");
                });
    }

    private TestClient subscriber(MqttVersion version, String filter) {
        TestClient sub = connected(connect(version, "watcher", true), version);
        sub.send(ClientPackets.subscribe(1, filter, 1));
        assertThat(sub.subAck()).containsExactly(1);
        return sub;
    }

    @Test
    void willDelayHoldsTheWillUntilTheDelayPassed() {
        // [MQTT-3.1.3-9]: published when the Will Delay Interval has passed
        TestClient c = connected(withWill(V5, "dev1", 30, 300), V5);
        c.drop();
        node.advance(Duration.ofSeconds(29));
        assertThat(node.messages.records()).isEmpty();
        node.advance(Duration.ofSeconds(1));
        assertThat(node.messages.records()).extracting(Appended::key).containsExactly("status/dev1");
    }

    @Test
    void willDelayIsCutShortBySessionExpiry() {
        // MQTT 5 section 3.1.3.2.2: the will is published at the earlier of will delay and session expiry
        TestClient c = connected(withWill(V5, "dev1", 600, 10), V5);
        c.drop();
        node.advance(Duration.ofSeconds(9));
        assertThat(node.messages.records()).isEmpty();
        node.advance(Duration.ofSeconds(1));
        assertThat(node.messages.records()).hasSize(1);
    }

    @Test
    void reconnectWithinTheWillDelayCancelsTheWill() {
        // [MQTT-3.1.3-9]: not published if a new connection for the session arrives before the delay passed
        TestClient c = connected(withWill(V5, "dev1", 30, 300), V5);
        c.drop();
        node.advance(Duration.ofSeconds(10));
        TestClient back = node.open(V5)
                .send(connect(V5, "dev1", false)
                        .properties(props(intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 300)))
                        .build());
        assertThat(back.connAck().variableHeader().isSessionPresent()).isTrue();
        node.advance(Duration.ofMinutes(10));
        assertThat(node.messages.records()).isEmpty();
    }

    @Test
    void protocolViolationPublishesTheWill() {
        // [MQTT-3.1.2-8]: a server-side close for a protocol error publishes the will
        TestClient c = connected(withWill(V5, "dev1", 0, 0), V5);
        c.send(connect(V5, "dev1", true).build()); // a second CONNECT [MQTT-3.1.0-2]
        assertThat(c.isOpen()).isFalse();
        assertThat(node.messages.records()).extracting(Appended::key).containsExactly("status/dev1");
    }

    @Test
    void retainedWillIsAlsoWrittenToTheRetainedLog() {
        TestClient c = connected(withWill(V3, "dev1", 0, 0).willRetain(true), V3);
        c.drop();
        assertThat(node.retainedLog.writes()).hasSize(1);
        assertThat(node.retainedLog.writes().get(0).topic()).isEqualTo("status/dev1");
        // [MQTT-3.1.2-17]: a later subscriber gets it as a retained message
        TestClient late = subscriber(V3, "status/dev1");
        Received r = late.publish();
        assertThat(r.payload()).isEqualTo("offline");
        assertThat(r.retain()).isTrue();
    }
}
