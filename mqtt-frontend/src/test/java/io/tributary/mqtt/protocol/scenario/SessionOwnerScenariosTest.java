/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import static io.tributary.mqtt.protocol.scenario.ClientPackets.V3;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.V5;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.connect;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.intProp;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.props;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.publish;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.auth.AuthService;
import io.tributary.mqtt.auth.ClientIdRule;
import io.tributary.mqtt.auth.ScramCredential;
import io.tributary.mqtt.delivery.DeliveryState;
import io.tributary.mqtt.session.SessionChange;
import io.tributary.mqtt.session.SessionState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A session belongs to the user who made it (docs/security.md): with authentication, a CONNECT by another user
 * with its client id is refused (MQTT 5 CONNACK 0x87, MQTT 3.1.1 return code 5), the connection holding it stays
 * and its stored session is untouched, whether this node or another holds it. And auth.client-id.must-match.
 */
class SessionOwnerScenariosTest {

    private static final ScramCredential ALICE = ScramCredential.fromPassword("alice-pw", 4096);
    private static final ScramCredential BOB = ScramCredential.fromPassword("bob-pw", 4096);
    private static final MqttProperties ONE_HOUR = props(intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 3600));

    private final AuthService auth = AuthService.withUsers(
            AuthService.Mode.REQUIRED, user -> user.equals("alice") ? ALICE : user.equals("bob") ? BOB : null);
    private final ProtocolHarness node;

    SessionOwnerScenariosTest() {
        ProtocolHarness.Options o = new ProtocolHarness.Options();
        o.auth = auth;
        node = new ProtocolHarness(o);
    }

    @AfterEach
    void close() {
        node.close();
    }

    /** Sends CONNECT as {@code user} (password user-pw) and returns the client with its CONNACK read. */
    private Connected connect(MqttVersion version, String clientId, String user, boolean cleanStart) {
        var builder = ClientPackets.connect(version, clientId, cleanStart)
                .username(user)
                .password((user + "-pw").getBytes(StandardCharsets.UTF_8));
        if (version == V5) {
            builder.properties(ONE_HOUR);
        }
        TestClient c = node.open(version).send(builder.build());
        MqttConnAckMessage ack = (MqttConnAckMessage) c.awaitNext(); // the password is checked off the event loop
        return new Connected(
                c,
                ack.variableHeader().connectReturnCode().byteValue() & 0xFF,
                ack.variableHeader().isSessionPresent());
    }

    private record Connected(TestClient client, int code, boolean sessionPresent) {}

    @Test
    void anotherUserIsRefusedAndTheOwnersConnectionAndSessionStay() {
        TestClient alice = connect(V5, "alice-dev", "alice", false).client();
        alice.send(subscribe(1, "sensors/alice/#", 1));
        assertThat(alice.subAck()).containsExactly(1);
        SessionState before = node.sessionLog.latest("alice-dev");
        assertThat(before.principal()).isEqualTo("alice");

        Connected bob5 = connect(V5, "alice-dev", "bob", false);
        assertThat(bob5.code()).isEqualTo(0x87); // Not authorized
        assertThat(bob5.client().isOpen()).isFalse();
        Connected bob3 = connect(V3, "alice-dev", "bob", true); // a clean start would delete it: refused too
        assertThat(bob3.code()).isEqualTo(0x05);

        assertThat(alice.isOpen()).isTrue();
        alice.expectNothing(); // no DISCONNECT 0x8E: nobody took the session over
        assertThat(node.sessionLog.latest("alice-dev")).isEqualTo(before);
        TestClient pub = connect(V5, "alice-pub", "alice", true).client();
        pub.send(publish("sensors/alice/secret", "alice-secret-1", 1, 1));
        pub.reply(MqttMessageType.PUBACK);
        assertThat(alice.publish().payload()).isEqualTo("alice-secret-1");
    }

    @Test
    void offlineSessionKeepsItsQueuedMessagesForItsOwner() {
        TestClient alice = connect(V5, "alice-dev", "alice", false).client();
        alice.send(subscribe(1, "sensors/alice/#", 1));
        alice.subAck();
        alice.send(ClientPackets.disconnect());
        TestClient pub = connect(V5, "alice-pub", "alice", true).client();
        pub.send(publish("sensors/alice/secret", "queued", 1, 1));
        pub.reply(MqttMessageType.PUBACK);

        Connected bob = connect(V5, "alice-dev", "bob", false);
        assertThat(bob.code()).isEqualTo(0x87);
        bob.client().expectNothing(); // not a single message of alice's

        Connected back = connect(V5, "alice-dev", "alice", false);
        assertThat(back.code()).isZero();
        assertThat(back.sessionPresent()).isTrue();
        assertThat(back.client().publish().payload()).isEqualTo("queued");
    }

    @Test
    void sessionHeldByAnotherNodeIsJudgedByTheClustersRecord() {
        // node-2 holds alice's session; this node knows it only from the sessions topic.
        node.store.apply(new SessionChange("alice-dev", "node-2", record("alice-dev", "alice", "node-2", 0)));
        Connected bob = connect(V5, "alice-dev", "bob", false);
        assertThat(bob.code()).isEqualTo(0x87);
        // No claim was written: node-2 goes on undisturbed.
        assertThat(node.sessionLog.latest("alice-dev")).isNull();
        assertThat(node.store.get("alice-dev").owner()).isEqualTo("node-2");
    }

    @Test
    void recordWithoutAPrincipalBelongsToTheFirstUserWhoConnects() {
        // As written by a node from before sessions kept their user (or for an anonymous client).
        node.store.apply(
                new SessionChange("legacy-dev", "node-2", record("legacy-dev", null, "node-2", node.clock.millis())));
        Connected bob = connect(V5, "legacy-dev", "bob", false);
        assertThat(bob.code()).isZero();
        assertThat(bob.sessionPresent()).isTrue();
        assertThat(node.sessionLog.latest("legacy-dev").principal()).isEqualTo("bob");
        bob.client().send(ClientPackets.disconnect());
        assertThat(connect(V5, "legacy-dev", "alice", false).code()).isEqualTo(0x87);
    }

    @Test
    void expiredSessionOfAnotherUserNoLongerHoldsItsClientId() {
        node.store.apply(new SessionChange("old-dev", "node-2", record("old-dev", "alice", "node-2", 1)));
        Connected bob = connect(V5, "old-dev", "bob", false);
        assertThat(bob.code()).isZero();
        assertThat(bob.sessionPresent()).isFalse();
    }

    @Test
    void clientIdMustStartWithTheUserName() {
        auth.clientIdRule(ClientIdRule.PREFIX);
        assertThat(connect(V5, "alice-sensor-1", "alice", true).code()).isZero();
        assertThat(connect(V5, "bob-sensor-1", "alice", true).code()).isEqualTo(0x87);
        assertThat(connect(V3, "bob-sensor-1", "alice", true).code()).isEqualTo(0x05);
        auth.clientIdRule(ClientIdRule.EQUAL);
        assertThat(connect(V5, "alice", "alice", true).code()).isZero();
        assertThat(connect(V5, "alice-sensor-1", "alice", true).code()).isEqualTo(0x87);
        auth.clientIdRule(ClientIdRule.NONE);
        assertThat(connect(V5, "bob-sensor-1", "alice", true).code()).isZero();
    }

    /**
     * A session record as another node writes it; {@code disconnectedAt} 0 means connected there, 1 a session
     * that ended long ago (expiry one hour).
     */
    private static SessionState record(String clientId, @Nullable String principal, String owner, long disconnectedAt) {
        return new SessionState(
                SessionState.CURRENT_VERSION,
                clientId,
                5,
                3600,
                List.of(new SessionState.StoredSubscription("sensors/alice/#", 1, false, false, 0, 0)),
                DeliveryState.EMPTY,
                List.of(),
                owner,
                3,
                disconnectedAt,
                null,
                null,
                principal);
    }
}
