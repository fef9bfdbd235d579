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
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.LogLines;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a listener does with input it must refuse: each case is refused, says why in one log line an operator can
 * act on, and the node goes on serving a well-behaved client. Netty's leak detector runs at PARANOID in every test
 * JVM and LeakDetectionExtension fails the class on a reported leak.
 */
class EdgeBadInputIT {

    static final TestCertificates CA = TestCertificates.authority("bad-input-ca");
    static final TestCertificates.Issued SERVER = CA.server("bad-input-node");

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.kafkaOnly();

    static BrokerNode node;
    static LogLines log;

    @BeforeAll
    static void start() {
        Map<String, Object> settings = TestBroker.isolatedSettings();
        settings.remove(BrokerConfig.MQTT_PORT_CONFIG);
        settings.put(LISTENERS_CONFIG, "tcp://127.0.0.1:0,tls://127.0.0.1:0,ws://127.0.0.1:0/mqtt");
        settings.put(TLS_CERT_FILE_CONFIG, SERVER.certPem().toString());
        settings.put(TLS_KEY_FILE_CONFIG, SERVER.keyPem().toString());
        settings.put(TLS_CLIENT_AUTH_CONFIG, "optional");
        settings.put(TLS_CA_FILE_CONFIG, CA.caPem().toString());
        settings.put(BrokerConfig.CONNECT_TIMEOUT_CONFIG, "2000");
        node = broker.startNode(settings);
        log = LogLines.of("io.tributary");
    }

    @AfterAll
    static void stopListening() {
        log.close();
    }

    @AfterEach
    void theNodeStillServesAnotherClient() throws Exception {
        Mqtt5BlockingClient client = MqttClient.builder()
                .useMqttVersion5()
                .identifier("bystander-" + UUID.randomUUID())
                .serverHost("127.0.0.1")
                .serverPort(node.listenerPort("mqtts"))
                .sslConfig()
                .trustManagerFactory(CA.trustManagers())
                .applySslConfig()
                .buildBlocking();
        client.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes received = client.publishes(MqttGlobalPublishFilter.ALL)) {
            String topic = "bystander/" + UUID.randomUUID();
            client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            client.publishWith()
                    .topic(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload("fine".getBytes(StandardCharsets.UTF_8))
                    .send();
            Optional<Mqtt5Publish> got = received.receive(20, TimeUnit.SECONDS);
            assertThat(got).isPresent();
        } finally {
            client.disconnect();
        }
    }

    /** Waits for the node's one log line about it, containing every one of {@code parts}. */
    static String logged(String... parts) {
        return await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> log.lines().stream()
                                .filter(l -> Arrays.stream(parts).allMatch(l::contains))
                                .findFirst()
                                .orElse(null),
                        l -> l != null);
    }

    static byte[] connectPacket(String clientId) {
        return RawPackets.encode(
                MqttVersion.MQTT_3_1_1,
                RawPackets.connect(MqttVersion.MQTT_3_1_1, clientId, true, 30).build());
    }

    @Test
    void plainMqttToTheTlsPort() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", node.listenerPort("mqtts"))) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(connectPacket("plain-on-tls"));
            out.flush();
            // No CONNACK: TLS refuses the bytes and closes the connection (perhaps after an alert record).
            InputStream in = socket.getInputStream();
            try {
                byte[] answer = in.readAllBytes();
                assertThat(answer.length == 0 || answer[0] != 0x20)
                        .as("no CONNACK")
                        .isTrue();
            } catch (SocketException reset) {
                // closed with a reset: refused all the same
            }
        }
        logged("TLS handshake with", "the client does not speak TLS");
    }

    @Test
    void aTlsClientToThePlainPort() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, CA.trustManagers().getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", node.mqttPort())) {
            socket.setSoTimeout(10_000);
            assertThatThrownBy(socket::startHandshake).isInstanceOf(IOException.class);
        }
        // The ClientHello is no MQTT packet: the MQTT decoder refuses it and the connection closes.
        logged("Closing connection from");
    }

    @Test
    void aClientCertificateOfAnotherAuthority() throws Exception {
        TestCertificates.Issued impostor =
                TestCertificates.authority("impostor-ca").client("impostor");
        assertRefusedInTls(impostor);
        logged("TLS handshake with", "failed: the client certificate is not signed by a CA of tls.ca.file");
    }

    @Test
    void anExpiredClientCertificate() throws Exception {
        assertRefusedInTls(CA.expiredClient("expired-device"));
        logged("TLS handshake with", "failed: the client certificate has expired");
    }

    @Test
    void aCertificateFileThatIsNotPemRefusesTheStart() throws Exception {
        Path notPem = Files.createTempFile("not-pem-", ".crt");
        Files.write(notPem, new byte[] {0x30, (byte) 0x82, 0x01, 0x0a, 0x02, 0x01}); // DER-ish bytes, not PEM
        Map<String, Object> settings = TestBroker.isolatedSettings();
        settings.remove(BrokerConfig.MQTT_PORT_CONFIG);
        settings.put(LISTENERS_CONFIG, "tls://127.0.0.1:0");
        settings.put(TLS_CERT_FILE_CONFIG, notPem.toString());
        settings.put(TLS_KEY_FILE_CONFIG, SERVER.keyPem().toString());
        assertThatThrownBy(() -> broker.startNode(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TLS_CERT_FILE_CONFIG)
                .hasMessageContaining(notPem.toString())
                .hasMessageContaining("not a PEM certificate file");
    }

    @Test
    void aWebSocketUpgradeWithoutTheMqttSubprotocol() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", node.listenerPort("ws"))) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 400").contains("subprotocol must be mqtt");
        }
        logged("Refusing WebSocket upgrade from", "subprotocol must be mqtt");
    }

    @Test
    void aWebSocketStreamCutInTheMiddleOfAPacket() throws Exception {
        byte[] connect = connectPacket("cut-short");
        try (WebSocketTestClient ws = WebSocketTestClient.connect(node.listenerPort("ws"), "/mqtt", "mqtt")) {
            ws.sendBinary(Arrays.copyOfRange(connect, 0, connect.length - 3));
        } // closes the TCP connection with three bytes of CONNECT unsent
        logged("WebSocket from", "ended in the middle of a CONNECT packet", "3 of its");
    }

    /**
     * Presents {@code certificate} in a TLS handshake (whether or not the server names its CA: a JDK client with an
     * ordinary key manager would leave out a certificate the server's CA list does not cover) and sends CONNECT:
     * no CONNACK comes, the connection ends.
     */
    private static void assertRefusedInTls(TestCertificates.Issued certificate) throws Exception {
        X509ExtendedKeyManager keys =
                (X509ExtendedKeyManager) certificate.keyManagers().getKeyManagers()[0];
        String alias = keys.getClientAliases("EC", null)[0];
        X509ExtendedKeyManager alwaysPresent = new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[] {alias};
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return alias;
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String name) {
                return keys.getCertificateChain(name);
            }

            @Override
            public PrivateKey getPrivateKey(String name) {
                return keys.getPrivateKey(name);
            }
        };
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(new KeyManager[] {alwaysPresent}, CA.trustManagers().getTrustManagers(), null);
        int answer;
        try (SSLSocket socket =
                (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", node.listenerPort("mqtts"))) {
            socket.setSoTimeout(10_000);
            // TLS 1.3: the client's side of the handshake ends before the server judges its certificate.
            socket.startHandshake();
            socket.getOutputStream().write(connectPacket("refused-certificate"));
            socket.getOutputStream().flush();
            answer = socket.getInputStream().read();
        } catch (IOException refused) {
            answer = -1; // the server's alert
        }
        assertThat(answer).as("no CONNACK").isEqualTo(-1);
    }
}
