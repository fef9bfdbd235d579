/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.it.RawPackets.READ_TIMEOUT;
import static io.tributary.mqtt.it.RawPackets.connAck;
import static io.tributary.mqtt.it.RawPackets.connect;
import static io.tributary.mqtt.it.RawPackets.disconnectReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.auth.Mqtt5EnhancedAuthMechanism;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5Auth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.auth.CredentialsFile;
import io.tributary.mqtt.auth.ScramCredential;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import io.tributary.mqtt.testing.ScramClient;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.wire.Packets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication end to end: user name and password (MQTT 3.1.1 and 5), MQTT 5 enhanced authentication with
 * SCRAM-SHA-256 (HiveMQ client with a SCRAM mechanism, and raw AUTH packets), re-authentication, and
 * anonymous clients under auth.mode=none.
 */
class AuthIT {

    private static final String SCRAM = "SCRAM-SHA-256";

    @TempDir
    static Path dir;

    @RegisterExtension
    static final BrokerExtension kafka = BrokerExtension.kafkaOnly();

    static BrokerNode broker;
    static Path usersFile;

    @BeforeAll
    static void start() throws Exception {
        usersFile = dir.resolve("users.txt");
        Files.write(
                usersFile,
                List.of(
                        "# test users",
                        CredentialsFile.line("alice", ScramCredential.fromPassword("alice-pw", 4096)),
                        CredentialsFile.line("bob", ScramCredential.fromPassword("bob-pw", 4096))));
        Map<String, Object> settings = TestBroker.with(
                TestBroker.with(TestBroker.isolatedSettings(), BrokerConfig.AUTH_MODE_CONFIG, "required"),
                BrokerConfig.AUTH_USERS_FILE_CONFIG,
                usersFile);
        broker = kafka.startNode(settings);
    }

    // ---- (a) auth.mode=required, user name and password -------------------------------------------------

    private static org.eclipse.paho.client.mqttv3.MqttClient v3(String clientId) throws MqttException {
        return new org.eclipse.paho.client.mqttv3.MqttClient(TestBroker.uri(broker), clientId, new MemoryPersistence());
    }

    private static MqttConnectOptions v3Options(String user, String password) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1); // no silent retry as MQTT 3.1
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.toCharArray());
        }
        return options;
    }

    @Test
    void v3ClientWithRightPasswordConnectsAndPublishes() throws Exception {
        var client = v3("v3-alice");
        client.connect(v3Options("alice", "alice-pw"));
        client.publish("auth/v3", "hi".getBytes(StandardCharsets.UTF_8), 1, false); // PUBACK arrives
        client.disconnect();
        client.close();
    }

    @Test
    void v3ClientWithWrongPasswordOrUnknownUserGetsReturnCode4AndAnonymousGets5() throws Exception {
        long before = broker.metrics().getAuthFailures();
        var client = v3("v3-wrong");
        assertThatThrownBy(() -> client.connect(v3Options("alice", "bob-pw")))
                .isInstanceOfSatisfying(
                        MqttException.class,
                        e -> assertThat(e.getReasonCode())
                                .isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION)); // 4
        assertThatThrownBy(() -> client.connect(v3Options("mallory", "alice-pw")))
                .isInstanceOfSatisfying(
                        MqttException.class,
                        e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION));
        assertThatThrownBy(() -> client.connect(v3Options(null, null)))
                .isInstanceOfSatisfying(
                        MqttException.class,
                        e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED)); // 5
        client.close();
        assertThat(broker.metrics().getAuthFailures() - before).isEqualTo(3);
    }

    private static Mqtt5BlockingClient v5(String clientId) {
        return MqttClient.builder()
                .useMqttVersion5()
                .identifier(clientId)
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildBlocking();
    }

    @Test
    void v5ClientWithRightPasswordConnects() {
        Mqtt5BlockingClient client = v5("v5-alice");
        Mqtt5ConnAck ack = client.connectWith()
                .simpleAuth()
                .username("alice")
                .password("alice-pw".getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .send();
        assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(ack.getEnhancedAuth())
                .as("no method in CONNACK without one in CONNECT [MQTT-4.12.0-6]")
                .isEmpty();
        client.publishWith()
                .topic("auth/v5")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(new byte[] {1})
                .send();
        client.disconnect();
    }

    @Test
    void v5ClientWithWrongPasswordGets0x86AndNoSessionIsKept() {
        Mqtt5BlockingClient wrong = v5("v5-persistent");
        assertThatThrownBy(() -> wrong.connectWith()
                        .cleanStart(false)
                        .sessionExpiryInterval(300)
                        .simpleAuth()
                        .username("alice")
                        .password("nope".getBytes(StandardCharsets.UTF_8))
                        .applySimpleAuth()
                        .send())
                .isInstanceOfSatisfying(
                        Mqtt5ConnAckException.class,
                        e -> assertThat(e.getMqttMessage().getReasonCode())
                                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
        // The refused CONNECT left no session behind: the next (authenticated) one finds none.
        Mqtt5BlockingClient right = v5("v5-persistent");
        Mqtt5ConnAck ack = right.connectWith()
                .cleanStart(false)
                .sessionExpiryInterval(0)
                .simpleAuth()
                .username("alice")
                .password("alice-pw".getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .send();
        assertThat(ack.isSessionPresent()).isFalse();
        right.disconnect();
    }

    @Test
    void v5AnonymousClientGets0x87() {
        assertThatThrownBy(() -> v5("v5-anonymous").connect())
                .isInstanceOfSatisfying(
                        Mqtt5ConnAckException.class,
                        e -> assertThat(e.getMqttMessage().getReasonCode())
                                .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
    }

    // ---- (b) enhanced authentication: SCRAM-SHA-256 -------------------------------------------------------

    /** SCRAM-SHA-256 for the HiveMQ client; the user and password can change before a re-authentication. */
    static final class ScramMechanism implements Mqtt5EnhancedAuthMechanism {
        final String method;
        volatile String user;
        volatile String password;
        volatile ScramClient scram;
        final AtomicReference<Mqtt5Disconnect> reAuthRejected = new AtomicReference<>();

        ScramMechanism(String method, String user, String password) {
            this.method = method;
            this.user = user;
            this.password = password;
        }

        @Override
        public MqttUtf8String getMethod() {
            return MqttUtf8String.of(method);
        }

        @Override
        public int getTimeout() {
            return 10;
        }

        @Override
        public CompletableFuture<Void> onAuth(
                Mqtt5ClientConfig config, Mqtt5Connect connect, Mqtt5EnhancedAuthBuilder auth) {
            scram = new ScramClient(user, password);
            auth.data(scram.clientFirst());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> onReAuth(Mqtt5ClientConfig config, Mqtt5AuthBuilder auth) {
            scram = new ScramClient(user, password);
            auth.data(scram.clientFirst());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Boolean> onContinue(
                Mqtt5ClientConfig config, Mqtt5Auth auth, Mqtt5AuthBuilder authBuilder) {
            try {
                authBuilder.data(scram.clientFinal(bytes(auth.getData().orElseThrow())));
                return CompletableFuture.completedFuture(true);
            } catch (Exception e) {
                return CompletableFuture.completedFuture(false);
            }
        }

        @Override
        public CompletableFuture<Boolean> onAuthSuccess(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
            // The server proves it knows the credential (server-final in the CONNACK) [MQTT-4.12.0-5].
            var data = connAck.getEnhancedAuth().flatMap(a -> a.getData());
            return CompletableFuture.completedFuture(data.isPresent() && scram.serverFinalValid(bytes(data.get())));
        }

        @Override
        public CompletableFuture<Boolean> onReAuthSuccess(Mqtt5ClientConfig config, Mqtt5Auth auth) {
            return CompletableFuture.completedFuture(auth.getData().isPresent()
                    && scram.serverFinalValid(bytes(auth.getData().get())));
        }

        @Override
        public void onAuthRejected(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {}

        @Override
        public void onReAuthRejected(Mqtt5ClientConfig config, Mqtt5Disconnect disconnect) {
            reAuthRejected.set(disconnect);
        }

        @Override
        public void onAuthError(Mqtt5ClientConfig config, Throwable cause) {}

        @Override
        public void onReAuthError(Mqtt5ClientConfig config, Throwable cause) {}

        private static byte[] bytes(ByteBuffer b) {
            byte[] out = new byte[b.remaining()];
            b.duplicate().get(out);
            return out;
        }
    }

    private static Mqtt5BlockingClient scramClient(String clientId, ScramMechanism mechanism) {
        return MqttClient.builder()
                .useMqttVersion5()
                .identifier(clientId)
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .enhancedAuth(mechanism)
                .buildBlocking();
    }

    @Test
    void scramClientConnectsAndVerifiesTheServer() {
        Mqtt5BlockingClient client = scramClient("scram-alice", new ScramMechanism(SCRAM, "alice", "alice-pw"));
        Mqtt5ConnAck ack = client.connect();
        assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(ack.getEnhancedAuth().orElseThrow().getMethod().toString()).isEqualTo(SCRAM);
        client.publishWith()
                .topic("auth/scram")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(new byte[] {1})
                .send();
        client.disconnect();
    }

    @Test
    void scramWithWrongPasswordGets0x87NotAuthorized() {
        // The exchange carries no User Name / Password fields, so 0x86 does not fit: a failed proof is 0x87.
        long before = broker.metrics().getAuthFailures();
        Mqtt5BlockingClient client = scramClient("scram-wrong", new ScramMechanism(SCRAM, "alice", "bob-pw"));
        assertThatThrownBy(client::connect)
                .isInstanceOfSatisfying(
                        Mqtt5ConnAckException.class,
                        e -> assertThat(e.getMqttMessage().getReasonCode())
                                .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
        assertThat(broker.metrics().getAuthFailures()).isGreaterThan(before);
    }

    @Test
    void unknownAuthenticationMethodGets0x8C() {
        // [MQTT-4.12.0-1]
        Mqtt5BlockingClient client =
                scramClient("scram-unknown", new ScramMechanism("SCRAM-SHA-1", "alice", "alice-pw"));
        assertThatThrownBy(client::connect)
                .isInstanceOfSatisfying(
                        Mqtt5ConnAckException.class,
                        e -> assertThat(e.getMqttMessage().getReasonCode())
                                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_AUTHENTICATION_METHOD));
    }

    private static MqttMessage connectWithMethod(String clientId, byte[] data) {
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, SCRAM));
        props.add(new MqttProperties.BinaryProperty(MqttProperties.AUTHENTICATION_DATA, data));
        return connect(MqttVersion.MQTT_5, clientId, true, 60).properties(props).build();
    }

    private static byte[] authData(MqttMessage m) {
        var header = (MqttReasonCodeAndPropertiesVariableHeader) m.variableHeader();
        return (byte[]) header.properties()
                .getProperty(MqttProperties.AUTHENTICATION_DATA)
                .value();
    }

    @Test
    void rawExchangeShowsContinueThenConnAckWithServerFinal() throws Exception {
        ScramClient scram = new ScramClient("bob", "bob-pw");
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            client.send(connectWithMethod("raw-scram", scram.clientFirst()));
            MqttMessage serverFirst = client.read(READ_TIMEOUT);
            assertThat(serverFirst.fixedHeader().messageType()).isEqualTo(MqttMessageType.AUTH); // [MQTT-4.12.0-2]
            assertThat(((MqttReasonCodeAndPropertiesVariableHeader) serverFirst.variableHeader()).reasonCode())
                    .isEqualTo((byte) 0x18);
            client.send(Packets.auth((byte) 0x18, SCRAM, scram.clientFinal(authData(serverFirst))));
            MqttConnAckMessage ack = connAck(client);
            assertThat(ack.variableHeader().connectReturnCode().byteValue()).isZero();
            var props = ack.variableHeader().properties();
            assertThat(props.getProperty(MqttProperties.AUTHENTICATION_METHOD).value())
                    .isEqualTo(SCRAM);
            assertThat(scram.serverFinalValid((byte[]) props.getProperty(MqttProperties.AUTHENTICATION_DATA)
                            .value()))
                    .isTrue();
        }
    }

    @Test
    void packetOtherThanAuthDuringTheExchangeIsAProtocolError() throws Exception {
        // [MQTT-3.1.2-30]: until CONNACK only AUTH or DISCONNECT.
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            client.send(connectWithMethod("raw-early", new ScramClient("bob", "bob-pw").clientFirst()));
            assertThat(RawPackets.nextType(client, READ_TIMEOUT)).isEqualTo(MqttMessageType.AUTH);
            client.send(MqttMessageBuilders.subscribe()
                    .messageId(1)
                    .addSubscription(io.netty.handler.codec.mqtt.MqttQoS.AT_MOST_ONCE, "a/b")
                    .build());
            assertThat(connAck(client).variableHeader().connectReturnCode().byteValue())
                    .isEqualTo((byte) 0x82);
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
    }

    @Test
    void authWithAnotherMethodDuringTheExchangeGets0x8C() throws Exception {
        ScramClient scram = new ScramClient("bob", "bob-pw");
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            client.send(connectWithMethod("raw-method", scram.clientFirst()));
            MqttMessage serverFirst = client.read(READ_TIMEOUT);
            client.send(Packets.auth((byte) 0x18, "PLAIN", scram.clientFinal(authData(serverFirst))));
            assertThat(connAck(client).variableHeader().connectReturnCode().byteValue())
                    .isEqualTo((byte) 0x8C);
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
    }

    @Test
    void authWithAReasonOtherThanContinueDuringTheExchangeIsAProtocolError() throws Exception {
        // [MQTT-4.12.0-3]: before CONNACK the client's AUTH carries 0x18 Continue authentication.
        ScramClient scram = new ScramClient("bob", "bob-pw");
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            client.send(connectWithMethod("raw-reason", scram.clientFirst()));
            MqttMessage serverFirst = client.read(READ_TIMEOUT);
            client.send(Packets.auth((byte) 0x00, SCRAM, scram.clientFinal(authData(serverFirst))));
            assertThat(connAck(client).variableHeader().connectReturnCode().byteValue())
                    .isEqualTo((byte) 0x82);
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
    }

    // ---- (c) re-authentication ------------------------------------------------------------------------------

    @Test
    void reauthenticationSucceedsAndTheConnectionGoesOn() {
        ScramMechanism mechanism = new ScramMechanism(SCRAM, "alice", "alice-pw");
        Mqtt5BlockingClient client = scramClient("reauth-ok", mechanism);
        client.connect();
        client.reauth(); // AUTH 0x19 → AUTH 0x18 → AUTH 0x18 → AUTH 0x00 [MQTT-4.12.1-1]
        client.reauth();
        client.publishWith()
                .topic("auth/reauth")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(new byte[] {1})
                .send();
        assertThat(client.getState().isConnected()).isTrue();
        client.disconnect();
    }

    @Test
    void failedReauthenticationDisconnectsWith0x87() {
        ScramMechanism mechanism = new ScramMechanism(SCRAM, "alice", "alice-pw");
        Mqtt5BlockingClient client = scramClient("reauth-wrong", mechanism);
        client.connect();
        mechanism.password = "wrong";
        assertThatThrownBy(client::reauth);
        // [MQTT-4.12.1-2]
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> mechanism.reAuthRejected.get() != null
                        && !client.getState().isConnected());
        assertThat(mechanism.reAuthRejected.get().getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.NOT_AUTHORIZED);
    }

    @Test
    void reauthenticationAsAnotherUserDisconnectsWith0x87() throws Exception {
        ScramClient alice = new ScramClient("alice", "alice-pw");
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            client.send(connectWithMethod("reauth-other", alice.clientFirst()));
            client.send(Packets.auth((byte) 0x18, SCRAM, alice.clientFinal(authData(client.read(READ_TIMEOUT)))));
            assertThat(connAck(client).variableHeader().connectReturnCode().byteValue())
                    .isZero();
            ScramClient bob = new ScramClient("bob", "bob-pw");
            client.send(Packets.auth((byte) 0x19, SCRAM, bob.clientFirst()));
            client.send(Packets.auth((byte) 0x18, SCRAM, bob.clientFinal(authData(client.read(READ_TIMEOUT)))));
            assertThat(disconnectReason(client)).isEqualTo((byte) 0x87);
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
    }

    @Test
    void reauthenticationWithAnotherMethodDisconnectsWith0x8C() throws Exception {
        ScramClient alice = new ScramClient("alice", "alice-pw");
        try (RawMqttClient client = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_5)) {
            client.send(connectWithMethod("reauth-method", alice.clientFirst()));
            client.send(Packets.auth((byte) 0x18, SCRAM, alice.clientFinal(authData(client.read(READ_TIMEOUT)))));
            assertThat(connAck(client).variableHeader().connectReturnCode().byteValue())
                    .isZero();
            client.send(Packets.auth((byte) 0x19, "PLAIN", new byte[] {0, 'a', 0, 'b'})); // [MQTT-4.12.1-1]
            assertThat(disconnectReason(client)).isEqualTo((byte) 0x8C);
        }
    }

    @Test
    void authAfterPasswordLoginIsAProtocolError() throws Exception {
        // [MQTT-4.12.0-7]: no Authentication Method in CONNECT, so no AUTH from the client.
        try (RawMqttClient client = RawPackets.connected(
                broker.mqttPort(),
                MqttVersion.MQTT_5,
                connect(MqttVersion.MQTT_5, "auth-after-password", true, 60)
                        .username("alice")
                        .password("alice-pw".getBytes(StandardCharsets.UTF_8)))) {
            client.send(Packets.auth((byte) 0x19, SCRAM, new ScramClient("alice", "alice-pw").clientFirst()));
            assertThat(disconnectReason(client)).isEqualTo((byte) 0x82);
        }
    }

    // ---- (d) auth.mode=none --------------------------------------------------------------------------------

    @Test
    void modeNoneLetsAnonymousClientsInButChecksCredentialsTheyDoSend() throws Exception {
        Map<String, Object> settings =
                TestBroker.with(TestBroker.isolatedSettings(), BrokerConfig.AUTH_USERS_FILE_CONFIG, usersFile);
        BrokerNode open = kafka.startNode(settings);
        try {
            Mqtt5BlockingClient anonymous = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier("anon-v5")
                    .serverHost("127.0.0.1")
                    .serverPort(open.mqttPort())
                    .buildBlocking();
            assertThat(anonymous.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
            anonymous.disconnect();
            var v3 = new org.eclipse.paho.client.mqttv3.MqttClient(
                    TestBroker.uri(open), "anon-v3", new MemoryPersistence());
            v3.connect(v3Options(null, null));
            v3.disconnect();
            assertThatThrownBy(() -> v3.connect(v3Options("alice", "wrong")))
                    .isInstanceOfSatisfying(
                            MqttException.class,
                            e -> assertThat(e.getReasonCode())
                                    .isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION));
            v3.close();
        } finally {
            open.close();
        }
    }
}
