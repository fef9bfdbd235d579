/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.config.ListenerSettings.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.tributary.mqtt.auth.CredentialsFile;
import io.tributary.mqtt.auth.ScramCredential;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.JwtSettings;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.testing.TestCertificates;
import io.tributary.mqtt.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every way of logging in, on one listener at once (docs/security.md, "Combining methods"): a node with a single
 * TLS listener that asks for client certificates (optional; the principal from the certificate's SPIFFE URI through
 * a mapping rule), users of auth.users.file and JWT login, under auth.mode=required. A client certificate alone, a
 * user name and password, SCRAM-SHA-256, a JWT as password and a JWT through Authentication Method JWT each get in
 * as their own principal; nothing at all does not.
 */
class LoginMethodsIT {

    static final TestCertificates CA = TestCertificates.authority("login-methods-ca");
    static final TestCertificates.Issued SERVER = CA.server("login-methods-node");
    /** Named by its SPIFFE id: the subject's CN is not the principal here (tls.principal.source=san.uri). */
    static final TestCertificates.Issued DEVICE =
            CA.clientWithNames("not-the-principal", "uri:spiffe://acme.test/device/device-9");

    static final TestTokens TOKENS = new TestTokens();

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.kafkaOnly();

    static BrokerNode node;

    @BeforeAll
    static void start() throws Exception {
        Path users = Files.createTempFile("login-methods-users-", ".txt");
        Files.write(users, List.of(CredentialsFile.line("alice", ScramCredential.fromPassword("alice-pw", 4096))));
        Map<String, Object> settings = TestBroker.isolatedSettings();
        settings.remove(BrokerConfig.MQTT_PORT_CONFIG);
        settings.put(LISTENERS_CONFIG, "tls://127.0.0.1:0");
        settings.put(TLS_CERT_FILE_CONFIG, SERVER.certPem().toString());
        settings.put(TLS_KEY_FILE_CONFIG, SERVER.keyPem().toString());
        settings.put(TLS_CLIENT_AUTH_CONFIG, "optional");
        settings.put(TLS_CA_FILE_CONFIG, CA.caPem().toString());
        settings.put(TLS_PRINCIPAL_SOURCE_CONFIG, "san.uri");
        settings.put(TLS_PRINCIPAL_MAPPING_RULES_CONFIG, "RULE:^spiffe:\\/\\/acme\\.test\\/device\\/(.+)$/$1/");
        settings.put(BrokerConfig.AUTH_MODE_CONFIG, "required");
        settings.put(BrokerConfig.AUTH_USERS_FILE_CONFIG, users.toString());
        settings.put(JwtSettings.JWKS_FILE_CONFIG, TOKENS.jwksFile().toString());
        settings.put(JwtSettings.ISSUER_CONFIG, TestTokens.ISSUER);
        settings.put(JwtSettings.AUDIENCE_CONFIG, TestTokens.AUDIENCE);
        node = broker.startNode(settings);
    }

    /** A client of the node's one TLS listener, trusting its CA; {@code more} adds a certificate or credentials. */
    static Mqtt5BlockingClient client(String clientId, UnaryOperator<Mqtt5ClientBuilder> more) {
        return more.apply(MqttClient.builder()
                        .useMqttVersion5()
                        .identifier(clientId)
                        .serverHost("127.0.0.1")
                        .serverPort(node.listenerPort("mqtts")))
                .buildBlocking();
    }

    static Mqtt5ClientBuilder trusting(Mqtt5ClientBuilder b) {
        try {
            return b.sslConfig().trustManagerFactory(CA.trustManagers()).applySslConfig();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Mqtt5ClientBuilder withCertificate(Mqtt5ClientBuilder b) {
        try {
            return b.sslConfig()
                    .trustManagerFactory(CA.trustManagers())
                    .keyManagerFactory(DEVICE.keyManagers())
                    .applySslConfig();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Mqtt5ClientBuilder withPassword(Mqtt5ClientBuilder b, String user, String password) {
        return b.simpleAuth()
                .username(user)
                .password(password.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth();
    }

    /** Connects, returns the principal the node's session of the client belongs to, disconnects. */
    static String principalOf(Mqtt5BlockingClient client) {
        client.connectWith().cleanStart(true).sessionExpiryInterval(60).send();
        try {
            return node.sessionOwner(
                    client.getConfig().getClientIdentifier().orElseThrow().toString());
        } finally {
            client.disconnect();
        }
    }

    @Test
    void everyMethodGetsInOnTheSameListenerAsItsOwnPrincipal() {
        String token = TOKENS.rs256(
                TestTokens.claims("device-1", Duration.ofMinutes(5)).build());

        assertThat(principalOf(client("by-certificate", LoginMethodsIT::withCertificate)))
                .isEqualTo("device-9");
        assertThat(principalOf(client("by-password", b -> withPassword(trusting(b), "alice", "alice-pw"))))
                .isEqualTo("alice");
        assertThat(principalOf(client(
                        "by-scram",
                        b -> trusting(b)
                                .enhancedAuth(new AuthIT.ScramMechanism("SCRAM-SHA-256", "alice", "alice-pw")))))
                .isEqualTo("alice");
        assertThat(principalOf(client("by-jwt-password", b -> withPassword(trusting(b), "jwt", token))))
                .isEqualTo("device-1");
        assertThat(principalOf(client("by-jwt-method", b -> trusting(b).enhancedAuth(new JwtIT.JwtMechanism(token)))))
                .isEqualTo("device-1");
        // A certificate and a password: the password's user is the principal (a shared gateway certificate).
        assertThat(principalOf(client("by-both", b -> withPassword(withCertificate(b), "alice", "alice-pw"))))
                .isEqualTo("alice");

        Mqtt5ConnAckException nothing = catchThrowableOfType(
                Mqtt5ConnAckException.class,
                () -> client("by-nothing", LoginMethodsIT::trusting).connect());
        assertThat(nothing.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        Mqtt5ConnAckException wrong = catchThrowableOfType(
                Mqtt5ConnAckException.class,
                () -> client("by-wrong-password", b -> withPassword(withCertificate(b), "alice", "not-it"))
                        .connect());
        assertThat(wrong.getMqttMessage().getReasonCode())
                .as("a certificate does not excuse a wrong password")
                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }
}
