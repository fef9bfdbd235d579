/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.config.ListenerSettings.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.testing.TestCertificates;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MQTT over TLS with real clients (HiveMQ MQTT client). Node {@code mutual}: PEM files, client certificates
 * required, {@code auth.mode=required} and {@code acl.no.match=deny}, so a client gets in on its certificate alone
 * and the ACLs see the certificate's CN. Node {@code serverOnly}: a PKCS12 keystore, no client certificates,
 * TLS 1.2 only. Certificates are made by the test (TestCertificates).
 */
class TlsListenerIT {

    static final TestCertificates CA = TestCertificates.authority("tributary-test-ca");
    static final TestCertificates.Issued SERVER = CA.server("broker");
    static final TestCertificates.Issued DEVICE = CA.client("device-1");

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withSettings(Map.of(
            TLS_ENABLED_CONFIG,
            "true",
            TLS_PORT_CONFIG,
            "0",
            TLS_CERT_FILE_CONFIG,
            SERVER.certPem(),
            TLS_KEY_FILE_CONFIG,
            SERVER.keyPem(),
            TLS_CLIENT_AUTH_CONFIG,
            "required",
            TLS_CA_FILE_CONFIG,
            CA.caPem(),
            TLS_PROVIDER_CONFIG,
            "openssl",
            BrokerConfig.AUTH_MODE_CONFIG,
            "required",
            BrokerConfig.ACL_NO_MATCH_CONFIG,
            "deny",
            BrokerConfig.ADMIN_HTTP_PORT_CONFIG,
            "0"));

    static BrokerNode mutual;
    static BrokerNode serverOnly;

    @BeforeAll
    static void start() throws Exception {
        mutual = broker.node();
        Map<String, Object> settings = TestBroker.isolatedSettings();
        settings.put(TLS_ENABLED_CONFIG, "true");
        settings.put(TLS_PORT_CONFIG, "0");
        settings.put(TLS_KEYSTORE_FILE_CONFIG, SERVER.pkcs12().toString());
        settings.put(TLS_KEYSTORE_PASSWORD_CONFIG, TestCertificates.PASSWORD);
        settings.put(TLS_PROTOCOLS_CONFIG, "TLSv1.2");
        settings.put(TLS_PROVIDER_CONFIG, "jdk");
        serverOnly = broker.startNode(settings);
        // Only device-1's own tree: anything else is denied (acl.no.match=deny).
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        TestBroker.adminRequest(mutual, "/v1/acls/device-1-own")
                                .PUT(HttpRequest.BodyPublishers.ofString(
                                        "{\"principal\":\"device-1\",\"action\":\"all\","
                                                + "\"filter\":\"devices/device-1/#\",\"permission\":\"allow\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void theCertificatesCommonNameIsThePrincipalTheAclsSee() throws Exception {
        Mqtt5BlockingClient device = MqttClient.builder()
                .useMqttVersion5()
                .identifier("device-1-session")
                .serverHost("127.0.0.1")
                .serverPort(mutual.listenerPort("mqtts"))
                .sslConfig()
                .trustManagerFactory(CA.trustManagers())
                .keyManagerFactory(DEVICE.keyManagers())
                .applySslConfig()
                .buildBlocking();
        device.connect(); // no user name, no password: auth.mode=required lets the certificate stand in
        try (Mqtt5BlockingClient.Mqtt5Publishes received = device.publishes(MqttGlobalPublishFilter.ALL)) {
            // The ACL rule reaches the node asynchronously.
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> device.subscribeWith()
                            .topicFilter("devices/device-1/#")
                            .qos(MqttQos.AT_LEAST_ONCE)
                            .send());
            device.publishWith()
                    .topic("devices/device-1/temp")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload("21.5".getBytes(StandardCharsets.UTF_8))
                    .send();
            Optional<Mqtt5Publish> got = received.receive(20, TimeUnit.SECONDS);
            assertThat(got).isPresent();
            assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("21.5");
            // Another device's tree is not device-1's: SUBACK 0x87.
            assertThatThrownBy(() -> device.subscribeWith()
                            .topicFilter("devices/device-2/#")
                            .send())
                    .isInstanceOf(Mqtt5SubAckException.class);
        } finally {
            device.disconnect();
        }
    }

    @Test
    void requiredClientAuthRefusesAClientWithoutACertificateInTheHandshake() throws Exception {
        long failedHandshakes = mutual.metrics().getProtocolErrors();
        Mqtt5BlockingClient anonymous = MqttClient.builder()
                .useMqttVersion5()
                .serverHost("127.0.0.1")
                .serverPort(mutual.listenerPort("mqtts"))
                .sslConfig()
                .trustManagerFactory(CA.trustManagers())
                .applySslConfig()
                .buildBlocking();
        // Refused by TLS, before any CONNACK could say "not authorized".
        assertThatThrownBy(anonymous::connect).isNotInstanceOf(Mqtt5ConnAckException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> mutual.metrics().getProtocolErrors() > failedHandshakes);
    }

    @Test
    void aCertificateOfAnotherAuthorityIsRefused() throws Exception {
        TestCertificates otherCa = TestCertificates.authority("other-ca");
        TestCertificates.Issued impostor = otherCa.client("device-1");
        Mqtt5BlockingClient client = MqttClient.builder()
                .useMqttVersion5()
                .serverHost("127.0.0.1")
                .serverPort(mutual.listenerPort("mqtts"))
                .sslConfig()
                .trustManagerFactory(CA.trustManagers())
                .keyManagerFactory(impostor.keyManagers())
                .applySslConfig()
                .buildBlocking();
        assertThatThrownBy(client::connect).isNotInstanceOf(Mqtt5ConnAckException.class);
    }

    @Test
    void serverOnlyTlsFromAPkcs12KeystoreRoundTripsAndOffersOnlyTheConfiguredVersion() throws Exception {
        Mqtt5BlockingClient client = MqttClient.builder()
                .useMqttVersion5()
                .serverHost("127.0.0.1")
                .serverPort(serverOnly.listenerPort("mqtts"))
                .sslConfig()
                .trustManagerFactory(CA.trustManagers())
                .protocols(List.of("TLSv1.2"))
                .applySslConfig()
                .buildBlocking();
        client.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes received = client.publishes(MqttGlobalPublishFilter.ALL)) {
            client.subscribeWith()
                    .topicFilter("tls/echo")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            client.publishWith()
                    .topic("tls/echo")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload("over-tls".getBytes(StandardCharsets.UTF_8))
                    .send();
            Optional<Mqtt5Publish> got = received.receive(20, TimeUnit.SECONDS);
            assertThat(got).isPresent();
            assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("over-tls");
        } finally {
            client.disconnect();
        }
        Mqtt5BlockingClient tls13Only = MqttClient.builder()
                .useMqttVersion5()
                .serverHost("127.0.0.1")
                .serverPort(serverOnly.listenerPort("mqtts"))
                .sslConfig()
                .trustManagerFactory(CA.trustManagers())
                .protocols(List.of("TLSv1.3"))
                .applySslConfig()
                .buildBlocking();
        assertThatThrownBy(tls13Only::connect).isNotInstanceOf(Mqtt5ConnAckException.class);
    }

    @Test
    void plainMqttToTheTlsPortGetsNoConnAckAndTheNodeServesOn() throws Exception {
        byte[] connect = RawPackets.encode(
                io.netty.handler.codec.mqtt.MqttVersion.MQTT_3_1_1,
                RawPackets.connect(io.netty.handler.codec.mqtt.MqttVersion.MQTT_3_1_1, "plain", true, 30)
                        .build());
        try (Socket socket = new Socket("127.0.0.1", serverOnly.listenerPort("mqtts"))) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(connect);
            out.flush();
            InputStream in = socket.getInputStream();
            int first = in.read();
            assertThat(first).as("no CONNACK (0x20) on a TLS port").isNotEqualTo(0x20);
            while (first >= 0) {
                first = in.read(); // closed by the node
            }
        }
        assertThat(serverOnly.listenerPort("ws"))
                .as("WebSocket stays off unless enabled")
                .isEqualTo(-1);
        assertThat(serverOnly.mqttListeners())
                .containsExactly(
                        "mqtt://127.0.0.1:" + serverOnly.mqttPort(),
                        "mqtts://127.0.0.1:" + serverOnly.listenerPort("mqtts"));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(serverOnly.placementImage().nodes().values().stream()
                                .flatMap(n -> n.listeners().stream()))
                        .as("the node record lists the TLS listener")
                        .contains("mqtts://127.0.0.1:" + serverOnly.listenerPort("mqtts")));
    }
}
