/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import static io.tributary.mqtt.protocol.scenario.ClientPackets.V3;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.V5;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.connect;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.props;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.auth.AuthService;
import io.tributary.mqtt.auth.ScramCredential;
import io.tributary.mqtt.testing.ScramClient;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Authentication at CONNECT: user name and password, and the MQTT 5 AUTH exchange (SCRAM-SHA-256). */
class AuthScenariosTest {

    private static final ScramCredential ALICE = ScramCredential.fromPassword("secret", 4096);
    private static final String SCRAM = "SCRAM-SHA-256";

    private final ProtocolHarness node;

    AuthScenariosTest() {
        ProtocolHarness.Options o = new ProtocolHarness.Options();
        o.auth = AuthService.withUsers(AuthService.Mode.REQUIRED, user -> user.equals("alice") ? ALICE : null);
        node = new ProtocolHarness(o);
    }

    @AfterEach
    void close() {
        node.close();
    }

    private int connAckCodeFor(MqttVersion version, String user, String password) {
        TestClient c = node.open(version)
                .send(connect(version, "c-" + user, true)
                        .username(user)
                        .password(password.getBytes(StandardCharsets.UTF_8))
                        .build());
        MqttMessage m = c.awaitNext(); // the password is checked off the event loop
        int code = ((MqttConnAckMessage) m).variableHeader().connectReturnCode().byteValue() & 0xFF;
        if (code != 0) {
            assertThat(c.isOpen()).isFalse(); // [MQTT-3.2.2-5]
        }
        return code;
    }

    @Test
    void rightPasswordIsAccepted() {
        assertThat(connAckCodeFor(V3, "alice", "secret")).isZero();
        assertThat(connAckCodeFor(V5, "alice", "secret")).isZero();
    }

    @Test
    void wrongPasswordIsRefused() {
        // MQTT 3.1.1 return code 4; MQTT 5 0x86 Bad User Name or Password
        assertThat(connAckCodeFor(V3, "alice", "guess")).isEqualTo(0x04);
        assertThat(connAckCodeFor(V5, "alice", "guess")).isEqualTo(0x86);
        assertThat(node.sessions.sessions()).isEmpty();
    }

    @Test
    void anonymousClientIsNotAuthorizedWhenAuthIsRequired() {
        // MQTT 3.1.1 return code 5; MQTT 5 0x87 Not authorized
        TestClient v3 = node.open(V3).send(connect(V3, "anon3", true).build());
        assertThat(v3.connAckCode()).isEqualTo(0x05);
        TestClient v5 = node.open(V5).send(connect(V5, "anon5", true).build());
        assertThat(v5.connAckCode()).isEqualTo(0x87);
    }

    @Test
    void unsupportedAuthenticationMethodIsRefused() {
        // [MQTT-4.12.0-1]: CONNACK 0x8C Bad authentication method
        TestClient c = node.open(V5)
                .send(connect(V5, "c", true)
                        .properties(props(
                                new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, "KERBEROS")))
                        .build());
        assertThat(c.connAckCode()).isEqualTo(0x8C);
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void scramExchangeEndsInConnAckWithTheServerSignature() throws Exception {
        // MQTT 5 section 4.12: CONNECT(method, data) -> AUTH 0x18 -> AUTH 0x18 -> CONNACK 0x00 with data
        ScramClient scram = new ScramClient("alice", "secret");
        TestClient c = node.open(V5)
                .send(connect(V5, "c", true)
                        .properties(props(
                                new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, SCRAM),
                                new MqttProperties.BinaryProperty(
                                        MqttProperties.AUTHENTICATION_DATA, scram.clientFirst())))
                        .build());
        MqttMessage serverFirst = c.expect(MqttMessageType.AUTH);
        var h = (MqttReasonCodeAndPropertiesVariableHeader) serverFirst.variableHeader();
        assertThat(h.reasonCode()).isEqualTo((byte) 0x18); // [MQTT-4.12.0-2] Continue authentication
        byte[] data = (byte[])
                h.properties().getProperty(MqttProperties.AUTHENTICATION_DATA).value();

        c.send(ClientPackets.auth(0x18, SCRAM, scram.clientFinal(data)));
        MqttConnAckMessage ack = c.connAck();
        assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
        MqttProperties p = ack.variableHeader().properties();
        assertThat(p.getProperty(MqttProperties.AUTHENTICATION_METHOD).value()).isEqualTo(SCRAM);
        byte[] serverFinal =
                (byte[]) p.getProperty(MqttProperties.AUTHENTICATION_DATA).value();
        assertThat(scram.serverFinalValid(serverFinal)).isTrue();
    }

    @Test
    void packetOtherThanAuthDuringTheExchangeIsAProtocolError() {
        // [MQTT-3.1.2-30]: until CONNACK, only AUTH or DISCONNECT
        ScramClient scram = new ScramClient("alice", "secret");
        TestClient c = node.open(V5)
                .send(connect(V5, "c", true)
                        .properties(props(
                                new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, SCRAM),
                                new MqttProperties.BinaryProperty(
                                        MqttProperties.AUTHENTICATION_DATA, scram.clientFirst())))
                        .build());
        c.expect(MqttMessageType.AUTH);
        c.send(ClientPackets.pingreq());
        assertThat(c.connAckCode()).isEqualTo(0x82);
        assertThat(c.isOpen()).isFalse();
    }
}
