/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.testing.UserClients.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.TestBroker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node alone in its cluster decides the claims of client ids itself and writes no record for a clean session until
 * another node joins (session.SoleNodeClaims). A node that joins later must still see those claims:
 * another user's CONNECT there is refused (MQTT 5 0x87, 3.1.1 5) and the holder stays connected; the holder's own
 * user takes the client id over (0x8E on the first node). A node that crashes releases its clean sessions' client
 * ids once the others noticed (the liveness timeout), so nobody is locked out.
 */
class SoleNodeClaimIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int LIVENESS_TIMEOUT_MS = 6000;

    @RegisterExtension
    static final BrokerExtension kafka = BrokerExtension.kafkaOnly();

    @Test
    void claimsMadeAloneHoldOnANodeThatJoinsAndACrashReleasesThem() throws Exception {
        Map<String, Object> settings = TestBroker.with(
                TestBroker.with(
                        TestBroker.with(
                                TestBroker.isolatedSettings(),
                                BrokerConfig.NODE_LIVENESS_TIMEOUT_CONFIG,
                                LIVENESS_TIMEOUT_MS),
                        BrokerConfig.AUTH_MODE_CONFIG,
                        "required"),
                BrokerConfig.ADMIN_HTTP_PORT_CONFIG,
                "0");
        BrokerNode first = kafka.startNode(TestBroker.with(settings, BrokerConfig.NODE_ID_CONFIG, "sole-0"));
        AclIT.put(first, "/v1/users/alice", "{\"password\":\"alice-pw\"}");
        AclIT.put(first, "/v1/users/bob", "{\"password\":\"bob-pw\"}");
        await().atMost(WAIT).until(first::decidesClaimsAlone);

        // Clean sessions (no will, expiry 0), claimed while the node is alone: no record until another node joins.
        AtomicReference<Mqtt5DisconnectReasonCode> aliceLeft = new AtomicReference<>();
        Mqtt5AsyncClient alice = client(first, "sole-clean", "alice", aliceLeft);
        alice.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
        V3Client alice3 = V3Client.connectAs(first, "sole-clean-3", true, "alice", "alice-pw");

        // At once, without waiting for anything to reach the new node: its claims come after the first node's.
        BrokerNode second = kafka.startNode(TestBroker.with(settings, BrokerConfig.NODE_ID_CONFIG, "sole-1"));
        await().atMost(WAIT)
                .ignoreExceptions()
                .until(() -> second.placementImage().users().size() >= 2);
        Mqtt5ConnAckException refused = catchThrowableOfType(
                Mqtt5ConnAckException.class, () -> V5Client.connectAs(second, "sole-clean", true, 0, "bob", "bob-pw"));
        assertThat(refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        MqttException refused3 = catchThrowableOfType(
                MqttException.class, () -> V3Client.connectAs(second, "sole-clean-3", true, "bob", "bob-pw"));
        assertThat(refused3.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
        assertThat(first.decidesClaimsAlone()).isFalse();
        assertThat(alice.getState().isConnected()).isTrue();
        assertThat(alice3.client.isConnected()).isTrue();
        assertThat(aliceLeft.get()).isNull();

        // The same user on the new node takes the client id over from the first.
        AtomicReference<Mqtt5DisconnectReasonCode> movedLeft = new AtomicReference<>();
        Mqtt5AsyncClient moved = client(second, "sole-clean", "alice", movedLeft);
        moved.connectWith().cleanStart(true).send().get(20, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> aliceLeft.get() == Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);
        assertThat(first.sessionOwner("sole-clean")).isEqualTo("alice");

        // The second node dies holding it: once the first node noticed, the client id is free for anyone.
        second.crash();
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .until(() -> {
                    try (V5Client bob = V5Client.connectAs(first, "sole-clean", true, 0, "bob", "bob-pw")) {
                        return bob.client.getState().isConnected();
                    }
                });
        alice3.client.disconnect();
    }
}
