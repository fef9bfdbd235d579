/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.auth.Mqtt5EnhancedAuthMechanism;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5Auth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.JwtSettings;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.LogLines;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.testing.TestTokens;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * JWT identities with real clients (HiveMQ MQTT 5, Paho MQTT 3.1.1) against a node that requires authentication
 * and verifies tokens against a JWKS file, and one that fetches its JWKS from a URL (a JDK HTTP server here):
 * the token's claim is the principal and its ACL claim applies, bad tokens are refused with the right codes,
 * expiry disconnects, a re-authentication with a fresh token keeps the connection.
 */
class JwtIT {

    static final TestTokens TOKENS = new TestTokens();

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withSettings(jwtSettings(
            Map.of(JwtSettings.JWKS_FILE_CONFIG, TOKENS.jwksFile().toString(), JwtSettings.ACL_CLAIM_CONFIG, "mqtt")));

    static HttpServer jwksServer;
    static final AtomicInteger JWKS_FETCHES = new AtomicInteger();
    static BrokerNode byUrl;

    static Map<String, Object> jwtSettings(Map<String, Object> more) {
        Map<String, Object> s = new HashMap<>(more);
        s.put(BrokerConfig.AUTH_MODE_CONFIG, "required");
        s.put(JwtSettings.ISSUER_CONFIG, TestTokens.ISSUER);
        s.put(JwtSettings.AUDIENCE_CONFIG, TestTokens.AUDIENCE);
        s.put(JwtSettings.CLOCK_SKEW_SECONDS_CONFIG, "0");
        return s;
    }

    @BeforeAll
    static void startJwksServerAndSecondNode() throws Exception {
        jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jwks = TOKENS.publicJwks().toString(true).getBytes(StandardCharsets.UTF_8);
        jwksServer.createContext("/.well-known/jwks.json", ex -> {
            JWKS_FETCHES.incrementAndGet();
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, jwks.length);
            ex.getResponseBody().write(jwks);
            ex.close();
        });
        jwksServer.start();
        Map<String, Object> settings = TestBroker.isolatedSettings();
        settings.putAll(jwtSettings(Map.of(
                JwtSettings.JWKS_URL_CONFIG,
                "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/.well-known/jwks.json",
                JwtSettings.EXPIRY_CONFIG,
                "disconnect")));
        byUrl = broker.startNode(settings);
    }

    @AfterAll
    static void stopJwksServer() {
        jwksServer.stop(0);
    }

    static JWTClaimsSet.Builder device1(Duration lifetime) {
        return TestTokens.claims("device-1", lifetime)
                .claim(
                        "mqtt",
                        TestTokens.acl(List.of("devices/device-1/#"), List.of("devices/device-1/#", "cmd/device-1/+")));
    }

    static Mqtt5BlockingClient v5(BrokerNode node, String clientId, String token) {
        Mqtt5BlockingClient c = MqttClient.builder()
                .useMqttVersion5()
                .identifier(clientId)
                .serverHost("127.0.0.1")
                .serverPort(node.mqttPort())
                .simpleAuth()
                .username("jwt") // any user name: the token names the principal
                .password(token.getBytes(StandardCharsets.US_ASCII))
                .applySimpleAuth()
                .buildBlocking();
        return c;
    }

    @Test
    void aGoodTokenConnectsAsItsSubjectAndItsAclClaimApplies() {
        String token = TOKENS.rs256(device1(Duration.ofMinutes(5)).build());
        Mqtt5BlockingClient c = v5(broker.node(), "jwt-device-1", token);
        c.connectWith().cleanStart(true).sessionExpiryInterval(60).send();
        try {
            assertThat(broker.node().sessionOwner("jwt-device-1")).isEqualTo("device-1");
            try (var received = c.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.SUBSCRIBED)) {
                c.subscribeWith()
                        .topicFilter("devices/device-1/#")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .send();
                c.publishWith()
                        .topic("devices/device-1/temp")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload("21.5".getBytes(StandardCharsets.UTF_8))
                        .send();
                assertThat(received.receive(10, java.util.concurrent.TimeUnit.SECONDS))
                        .hasValueSatisfying(
                                p -> assertThat(p.getTopic().toString()).isEqualTo("devices/device-1/temp"));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            Mqtt5PubAckException pub = catchThrowableOfType(
                    Mqtt5PubAckException.class,
                    () -> c.publishWith()
                            .topic("devices/device-2/temp")
                            .qos(MqttQos.AT_LEAST_ONCE)
                            .payload(new byte[] {1})
                            .send());
            assertThat(pub.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
            Mqtt5SubAckException sub = catchThrowableOfType(
                    Mqtt5SubAckException.class,
                    () -> c.subscribeWith().topicFilter("cmd/#").send());
            assertThat(sub.getMqttMessage().getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
            assertThat(c.subscribeWith()
                            .topicFilter("cmd/device-1/reboot")
                            .send()
                            .getReasonCodes())
                    .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_2); // the client asks QoS 2 by default
        } finally {
            c.disconnect();
        }
    }

    @Test
    void anMqtt311ClientLogsInWithItsTokenAsPassword() throws Exception {
        var v3 = new org.eclipse.paho.client.mqttv3.MqttClient(
                TestBroker.uri(broker.node()), "jwt-v3", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("jwt");
        options.setPassword(TOKENS.es256(device1(Duration.ofMinutes(5)).build()).toCharArray());
        v3.connect(options);
        assertThat(v3.isConnected()).isTrue();
        v3.disconnect();
        v3.close();

        var expired = new org.eclipse.paho.client.mqttv3.MqttClient(
                TestBroker.uri(broker.node()), "jwt-v3-expired", new MemoryPersistence());
        options.setPassword(
                TOKENS.rs256(device1(Duration.ofSeconds(-10)).build()).toCharArray());
        MqttException refused = catchThrowableOfType(MqttException.class, () -> expired.connect(options));
        assertThat(refused.getReasonCode()).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION); // 4
        expired.close();
    }

    @Test
    void eachBadTokenIsRefusedAndTheNodeKeepsServing() {
        try (LogLines log = LogLines.of("io.tributary")) {
            eachBadTokenIsRefused();
            // One line per refusal says why, and never shows the token.
            assertThat(log.containing("Refusing CONNECT of client jwt-bad from"))
                    .anyMatch(l -> l.contains("JWT password refused: ") && l.contains("Invalid signature"))
                    .anyMatch(l -> l.contains("JWT password refused: Expired JWT"))
                    .allMatch(l -> !l.contains("eyJ"));
            assertThat(log.containing("Refusing CONNECT of client jwt-bad-method from"))
                    .anyMatch(l -> l.contains("JWT refused: ") && l.contains("Invalid signature"))
                    .allMatch(l -> !l.contains("eyJ"));
        }
    }

    private void eachBadTokenIsRefused() {
        Instant now = Instant.now();
        Map<String, String> bad = new HashMap<>();
        bad.put(
                "tampered",
                TestTokens.tampered(TOKENS.rs256(device1(Duration.ofMinutes(5)).build())));
        bad.put(
                "wrong issuer",
                TOKENS.rs256(device1(Duration.ofMinutes(5))
                        .issuer("https://evil.test")
                        .build()));
        bad.put(
                "wrong audience",
                TOKENS.rs256(device1(Duration.ofMinutes(5)).audience("other").build()));
        bad.put("expired", TOKENS.rs256(device1(Duration.ofSeconds(-5)).build()));
        bad.put(
                "not yet valid",
                TOKENS.rs256(device1(Duration.ofMinutes(5))
                        .notBeforeTime(Date.from(now.plusSeconds(120)))
                        .build()));
        bad.put("unknown kid", TOKENS.unknownKey(device1(Duration.ofMinutes(5)).build()));
        bad.put("alg none", TestTokens.unsigned(device1(Duration.ofMinutes(5)).build()));
        bad.forEach((what, token) -> {
            Mqtt5ConnAckException asPassword = catchThrowableOfType(
                    Mqtt5ConnAckException.class,
                    () -> v5(broker.node(), "jwt-bad", token).connect());
            assertThat(asPassword.getMqttMessage().getReasonCode())
                    .as(what + " as password")
                    .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
            Mqtt5ConnAckException asMethod = catchThrowableOfType(
                    Mqtt5ConnAckException.class,
                    () -> withMethod(broker.node(), "jwt-bad-method", new JwtMechanism(token))
                            .connect());
            assertThat(asMethod.getMqttMessage().getReasonCode())
                    .as(what + " through AUTH")
                    .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        });
        Mqtt5BlockingClient good = v5(
                broker.node(),
                "jwt-after-bad",
                TOKENS.rs256(device1(Duration.ofMinutes(5)).build()));
        assertThat(good.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        good.disconnect();
    }

    @Test
    void anExpiredTokenEndsTheConnectionWithNotAuthorizedWithinASecond() throws Exception {
        Instant exp = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        JWTClaimsSet claims =
                device1(Duration.ZERO).expirationTime(Date.from(exp)).build();
        AtomicReference<Throwable> cause = new AtomicReference<>();
        AtomicReference<Instant> at = new AtomicReference<>();
        Mqtt5BlockingClient c = MqttClient.builder()
                .useMqttVersion5()
                .identifier("jwt-expiring")
                .serverHost("127.0.0.1")
                .serverPort(broker.node().mqttPort())
                .simpleAuth()
                .password(TOKENS.rs256(claims).getBytes(StandardCharsets.US_ASCII))
                .applySimpleAuth()
                .addDisconnectedListener(ctx -> {
                    at.compareAndSet(null, Instant.now());
                    cause.compareAndSet(null, ctx.getCause());
                })
                .buildBlocking();
        c.connect();

        AtomicReference<Instant> v3LostAt = new AtomicReference<>();
        var v3 = new org.eclipse.paho.client.mqttv3.MqttClient(
                TestBroker.uri(broker.node()), "jwt-v3-expiring", new MemoryPersistence());
        v3.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable t) {
                v3LostAt.set(Instant.now());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {}

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {}
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("jwt");
        options.setPassword(TOKENS.rs256(claims).toCharArray());
        v3.connect(options);

        await().atMost(Duration.ofSeconds(10)).until(() -> at.get() != null && v3LostAt.get() != null);
        assertThat(cause.get()).isInstanceOf(Mqtt5DisconnectException.class);
        assertThat(((Mqtt5DisconnectException) cause.get()).getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5DisconnectReasonCode.NOT_AUTHORIZED);
        assertThat(Duration.between(exp, at.get())).isBetween(Duration.ofMillis(-50), Duration.ofSeconds(1));
        assertThat(Duration.between(exp, v3LostAt.get())).isBetween(Duration.ofMillis(-50), Duration.ofSeconds(1));
        v3.close();
    }

    @Test
    void reauthenticatingWithAFreshTokenKeepsTheConnectionPastTheFirstExpiry() {
        Instant exp = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        JwtMechanism mechanism = new JwtMechanism(TOKENS.rs256(
                device1(Duration.ZERO).expirationTime(Date.from(exp)).build()));
        Mqtt5BlockingClient c = withMethod(broker.node(), "jwt-reauth", mechanism);
        Mqtt5ConnAck ack = c.connect();
        assertThat(ack.getEnhancedAuth().orElseThrow().getMethod().toString()).isEqualTo(JwtSettings.METHOD);
        mechanism.token = TOKENS.es256(device1(Duration.ofMinutes(5)).build());
        c.reauth(); // AUTH 0x19 with the fresh token, AUTH 0x00 back [MQTT-4.12.1-1]
        Duration pastExpiry = Duration.between(Instant.now(), exp.plusMillis(1500));
        await().during(pastExpiry)
                .atMost(pastExpiry.plusSeconds(2))
                .until(() -> c.getState().isConnected());
        c.publishWith()
                .topic("devices/device-1/after-reauth")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(new byte[] {1})
                .send();
        c.disconnect();
    }

    @Test
    void withExpiryDisconnectAReauthenticationDoesNotExtendTheConnection() {
        Instant exp = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        JwtMechanism mechanism = new JwtMechanism(TOKENS.rs256(
                device1(Duration.ZERO).expirationTime(Date.from(exp)).build()));
        AtomicReference<Throwable> cause = new AtomicReference<>();
        AtomicReference<Instant> at = new AtomicReference<>();
        Mqtt5BlockingClient c = Mqtt5Client.builder()
                .identifier("jwt-no-extension")
                .serverHost("127.0.0.1")
                .serverPort(byUrl.mqttPort()) // auth.jwt.expiry=disconnect
                .enhancedAuth(mechanism)
                .addDisconnectedListener(ctx -> {
                    at.compareAndSet(null, Instant.now());
                    cause.compareAndSet(null, ctx.getCause());
                })
                .buildBlocking();
        c.connect();
        mechanism.token = TOKENS.es256(device1(Duration.ofMinutes(5)).build());
        c.reauth(); // answered (AUTH 0x00), but the first token's expiry still ends the connection
        assertThat(c.getState().isConnected()).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> at.get() != null);
        assertThat(((Mqtt5DisconnectException) cause.get()).getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5DisconnectReasonCode.NOT_AUTHORIZED);
        assertThat(Duration.between(exp, at.get())).isBetween(Duration.ofMillis(-50), Duration.ofSeconds(1));
    }

    @Test
    void aJwksUrlIsFetchedOnceAndCached() {
        for (String id : List.of("url-1", "url-2", "url-3")) {
            Mqtt5BlockingClient c =
                    v5(byUrl, id, TOKENS.rs256(device1(Duration.ofMinutes(5)).build()));
            assertThat(c.connect().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
            c.disconnect();
        }
        Mqtt5ConnAckException tampered = catchThrowableOfType(
                Mqtt5ConnAckException.class,
                () -> v5(
                                byUrl,
                                "url-bad",
                                TestTokens.tampered(TOKENS.rs256(
                                        device1(Duration.ofMinutes(5)).build())))
                        .connect());
        assertThat(tampered.getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(JWKS_FETCHES.get()).isEqualTo(1); // the first CONNECT fetched it, the cache served the rest
    }

    static Mqtt5BlockingClient withMethod(BrokerNode node, String clientId, JwtMechanism mechanism) {
        return Mqtt5Client.builder()
                .identifier(clientId)
                .serverHost("127.0.0.1")
                .serverPort(node.mqttPort())
                .enhancedAuth(mechanism)
                .buildBlocking();
    }

    /** Enhanced authentication with method JWT: the token in CONNECT, a fresh one in AUTH 0x19. */
    static final class JwtMechanism implements Mqtt5EnhancedAuthMechanism {
        volatile String token;

        JwtMechanism(String token) {
            this.token = token;
        }

        @Override
        public MqttUtf8String getMethod() {
            return MqttUtf8String.of(JwtSettings.METHOD);
        }

        @Override
        public int getTimeout() {
            return 10;
        }

        @Override
        public CompletableFuture<Void> onAuth(
                Mqtt5ClientConfig config, Mqtt5Connect connect, Mqtt5EnhancedAuthBuilder auth) {
            auth.data(token.getBytes(StandardCharsets.US_ASCII));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> onReAuth(Mqtt5ClientConfig config, Mqtt5AuthBuilder auth) {
            auth.data(token.getBytes(StandardCharsets.US_ASCII));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Boolean> onContinue(
                Mqtt5ClientConfig config, Mqtt5Auth auth, Mqtt5AuthBuilder authBuilder) {
            return CompletableFuture.completedFuture(false); // one step: the server never continues
        }

        @Override
        public CompletableFuture<Boolean> onAuthSuccess(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public CompletableFuture<Boolean> onReAuthSuccess(Mqtt5ClientConfig config, Mqtt5Auth auth) {
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public void onAuthRejected(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {}

        @Override
        public void onReAuthRejected(Mqtt5ClientConfig config, Mqtt5Disconnect disconnect) {}

        @Override
        public void onAuthError(Mqtt5ClientConfig config, Throwable cause) {}

        @Override
        public void onReAuthError(Mqtt5ClientConfig config, Throwable cause) {}
    }
}
