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
        // [MQTT-3.1.2-10]: DISCONNECT removes the will
        TestClient c = connected(withWill(V5, "dev1", 0, 0), V5);
        c.send(ClientPackets.disconnect());
        assertThat(c.isOpen()).isFalse();
        node.advance(Duration.ofMinutes(5));
        assertThat(node.messages.records()).isEmpty();
    }

    @Test
    void disconnectWithWillMessageReasonPublishesTheWill() {
        // MQTT 5 section 3.14.2.1: reason 0x04 Disconnect with Will Message
        TestClient c = connected(withWill(V5, "dev1", 0, 0), V5);
        c.send(MqttMessageBuilders.disconnect().reasonCode((byte) 0x04).build());
        assertThat(node.messages.records()).extracting(Appended::payload).containsExactly("offline");
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
    }
}
