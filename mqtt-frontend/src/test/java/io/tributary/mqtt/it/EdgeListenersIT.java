/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.config.ListenerSettings.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.LogLines;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.testing.TestCertificates;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One node whose four listeners come from {@code listeners=} URLs (tcp, tls, ws, wss), on OpenSSL: real clients
 * round trip across all four; MQTT.js in Node (the client of browser apps) round trips over ws:// and wss://; the
 * certificate files are renewed under the running node and new handshakes get the new certificate while a
 * connection made before keeps publishing and receiving.
 */
class EdgeListenersIT {

    static final TestCertificates CA = TestCertificates.authority("listeners-it-ca");
    static final String NODE_CERT = "listeners-it-node";

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.kafkaOnly();

    static Path certFile;
    static Path keyFile;
    static BrokerNode node;
    static LogLines log;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates.Issued first = CA.server(NODE_CERT);
        Path dir = Files.createTempDirectory("listeners-it-");
        certFile = Files.copy(first.certPem(), dir.resolve("node-chain.pem"));
        keyFile = Files.copy(first.keyPem(), dir.resolve("node-key.pem"));
        Map<String, Object> settings = TestBroker.isolatedSettings();
        settings.remove(BrokerConfig.MQTT_PORT_CONFIG); // listeners= names every listener
        settings.put(
                LISTENERS_CONFIG,
                "tcp://127.0.0.1:0,tls://127.0.0.1:0,ws://127.0.0.1:0/mqtt,wss://127.0.0.1:0/mqtt-secure");
        settings.put(TLS_CERT_FILE_CONFIG, certFile.toString());
        settings.put(TLS_KEY_FILE_CONFIG, keyFile.toString());
        settings.put(TLS_RELOAD_INTERVAL_CONFIG, "200");
        log = LogLines.of("io.tributary.mqtt.server");
        node = broker.startNode(settings);
    }

    @AfterAll
    static void stopListening() {
        log.close();
    }

    static Mqtt5ClientBuilder client(String scheme) throws Exception {
        Mqtt5ClientBuilder b = MqttClient.builder()
                .useMqttVersion5()
                .identifier(scheme + "-" + UUID.randomUUID())
                .serverHost("127.0.0.1")
                .serverPort(node.listenerPort(scheme));
        if (scheme.equals("mqtts") || scheme.equals("wss")) {
            b = b.sslConfig().trustManagerFactory(CA.trustManagers()).applySslConfig();
        }
        if (scheme.equals("ws")) {
            b = b.webSocketConfig().serverPath("mqtt").applyWebSocketConfig();
        }
        if (scheme.equals("wss")) {
            b = b.webSocketConfig().serverPath("mqtt-secure").applyWebSocketConfig();
        }
        return b;
    }

    @Test
    void everyListenerOfTheUrlsServesAndTheNodeSaysWhichTlsItUses() throws Exception {
        assertThat(node.mqttListeners())
                .containsExactly(
                        "mqtt://127.0.0.1:" + node.mqttPort(),
                        "mqtts://127.0.0.1:" + node.listenerPort("mqtts"),
                        "ws://127.0.0.1:" + node.listenerPort("ws") + "/mqtt",
                        "wss://127.0.0.1:" + node.listenerPort("wss") + "/mqtt-secure");
        assertThat(log.containing("TLS through the OPENSSL provider")).hasSize(1);
        Mqtt5BlockingClient subscriber = client("wss").buildBlocking();
        subscriber.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes received = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber
                    .subscribeWith()
                    .topicFilter("urls/+")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            for (String scheme : new String[] {"mqtt", "mqtts", "ws"}) {
                Mqtt5BlockingClient publisher = client(scheme).buildBlocking();
                publisher.connect();
                publisher
                        .publishWith()
                        .topic("urls/" + scheme)
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(scheme.getBytes(StandardCharsets.UTF_8))
                        .send();
                publisher.disconnect();
            }
            Set<String> got = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                Optional<Mqtt5Publish> p = received.receive(20, TimeUnit.SECONDS);
                assertThat(p).as("message %d of 3, got %s", i + 1, got).isPresent();
                got.add(p.get().getTopic().toString());
            }
            assertThat(got).containsExactlyInAnyOrder("urls/mqtt", "urls/mqtts", "urls/ws");
        } finally {
            subscriber.disconnect();
        }
    }

    @Test
    void renewedCertificateFilesServeNewHandshakesAndOpenConnectionsStay() throws Exception {
        Mqtt5BlockingClient held = client("mqtts").buildBlocking();
        held.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes received = held.publishes(MqttGlobalPublishFilter.ALL)) {
            held.subscribeWith()
                    .topicFilter("reload/held")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            BigInteger before = servedSerial();
            assertThat(before).isEqualTo(serialOf(certFile));

            TestCertificates.Issued renewed = CA.renewServer(NODE_CERT);
            BigInteger renewedSerial = serialOf(renewed.certPem());
            assertThat(renewedSerial).isNotEqualTo(before);
            // As a renewal tool does: the key, then the certificate, each replaced whole.
            Files.copy(renewed.keyPem(), keyFile, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(renewed.certPem(), certFile, StandardCopyOption.REPLACE_EXISTING);

            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .until(EdgeListenersIT::servedSerial, renewedSerial::equals);
            assertThat(log.containing("new handshakes use certificate")).isNotEmpty();

            // The connection made with the old certificate is still up and works both ways.
            held.publishWith()
                    .topic("reload/held")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload("still-here".getBytes(StandardCharsets.UTF_8))
                    .send();
            Optional<Mqtt5Publish> got = received.receive(20, TimeUnit.SECONDS);
            assertThat(got).isPresent();
            assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("still-here");
            // And a new client connects over the new certificate.
            Mqtt5BlockingClient fresh = client("wss").buildBlocking();
            fresh.connect();
            fresh.disconnect();
        } finally {
            held.disconnect();
        }
    }

    @Test
    void mqttJsRoundTripsOverWebSocketAndWebSocketOverTls() throws Exception {
        String ws = "ws://127.0.0.1:" + node.listenerPort("ws") + "/mqtt";
        String wss = "wss://127.0.0.1:" + node.listenerPort("wss") + "/mqtt-secure";
        assertThat(mqttJs(ws, "mqttjs/ws", null, 5)).startsWith("OK " + ws + " protocol 5");
        assertThat(mqttJs(ws, "mqttjs/ws311", null, 4)).startsWith("OK " + ws + " protocol 4");
        assertThat(mqttJs(wss, "mqttjs/wss", CA.caPem(), 5)).startsWith("OK " + wss + " protocol 5");
    }

    /** Runs src/test/js/roundtrip.mjs (installed by the build into target/mqttjs) and returns what it printed. */
    static String mqttJs(String url, String topic, Path caFile, int protocolVersion) throws Exception {
        Path script = Path.of("target", "mqttjs", "roundtrip.mjs").toAbsolutePath();
        assertThat(script.resolveSibling("node_modules").resolve("mqtt"))
                .as("MQTT.js is installed by the Maven build (mvn verify runs src/test/js/install.sh into "
                        + "target/mqttjs); it needs Node.js 20 and npm")
                .isDirectory();
        List<String> command = new ArrayList<>(List.of("node", script.toString(), url, topic));
        command.add(caFile == null ? "" : caFile.toString());
        command.add(String.valueOf(protocolVersion));
        Process p = new ProcessBuilder(command)
                .directory(script.getParent().toFile())
                .redirectErrorStream(true)
                .start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(p.waitFor(30, TimeUnit.SECONDS))
                    .as("MQTT.js finished: %s", output)
                    .isTrue();
            assertThat(p.exitValue()).as("MQTT.js: %s", output).isZero();
            return output;
        } finally {
            p.destroyForcibly();
        }
    }

    /** The serial number of the certificate the node's tls listener presents to a new handshake. */
    static BigInteger servedSerial() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, CA.trustManagers().getTrustManagers(), null);
        try (SSLSocket socket =
                (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", node.listenerPort("mqtts"))) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    static BigInteger serialOf(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in))
                    .getSerialNumber();
        }
    }
}
