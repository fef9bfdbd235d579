/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import static io.tributary.mqtt.protocol.scenario.ClientPackets.V3;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.connect;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.publish;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.reply;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttMessageType;
import io.tributary.mqtt.delivery.LiveDemand;
import io.tributary.mqtt.protocol.scenario.TestClient.Received;
import io.tributary.mqtt.topic.TopicFilter;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that reconnects at once: its CONNECT is read on another event loop while the node is still closing the
 * dropped connection (SessionRegistry.closed). The resumed session must be the one the close stores, with every
 * acknowledgement of the dropped connection in it. PersistentSessionIT saw the other outcome once under load: the
 * QoS 1 message the client had acknowledged came back (without DUP) before the one it had not.
 */
class ReconnectDuringCloseScenariosTest {

    private final ProtocolHarness node = new ProtocolHarness();

    /** Runs once, when a subscription leaves the node's live demand: in the middle of closing its session. */
    private @Nullable Runnable whileClosing;

    ReconnectDuringCloseScenariosTest() {
        node.subscribers.setLiveDemand(new LiveDemand() {
            @Override
            public void add(TopicFilter filter) {}

            @Override
            public void remove(TopicFilter filter) {
                Runnable r = whileClosing;
                whileClosing = null;
                if (r != null) {
                    r.run();
                }
            }

            @Override
            public CompletableFuture<Void> ready(TopicFilter filter) {
                return CompletableFuture.completedFuture(null);
            }
        });
    }

    @AfterEach
    void close() {
        node.close();
    }

    @Test
    void anAcknowledgedMessageIsNotSentAgainToAReconnectThatRacesTheClose() {
        TestClient sub = node.open(V3).send(connect(V3, "racer", false).build());
        assertThat(sub.connAck().variableHeader().isSessionPresent()).isFalse();
        sub.send(subscribe(1, "t", 1));
        sub.subAck();
        TestClient pub = node.open(V3).send(connect(V3, "racer-pub", true).build());
        pub.connAck();
        pub.send(publish("t", "acknowledged", 1, 1)).reply(MqttMessageType.PUBACK);
        pub.send(publish("t", "in-flight", 1, 2)).reply(MqttMessageType.PUBACK);

        Received acknowledged = sub.publish();
        assertThat(acknowledged.payload()).isEqualTo("acknowledged");
        sub.send(reply(MqttMessageType.PUBACK, acknowledged.packetId()));
        Received inFlight = sub.publish();
        assertThat(inFlight.payload()).isEqualTo("in-flight");

        TestClient[] back = new TestClient[1];
        whileClosing = () -> back[0] =
                node.open(V3).sendMeanwhile(connect(V3, "racer", false).build());
        sub.drop(); // without PUBACK for "in-flight"

        assertThat(back[0]).as("the reconnect raced the close").isNotNull();
        assertThat(back[0].connAck().variableHeader().isSessionPresent()).isTrue();
        Received resent = back[0].publish();
        assertThat(resent.payload())
                .as("only the unacknowledged message is sent again [MQTT-4.4.0-1]")
                .isEqualTo("in-flight");
        assertThat(resent.dup()).isTrue();
        assertThat(resent.packetId()).isEqualTo(inFlight.packetId());
        back[0].expectNothing();
    }
}
