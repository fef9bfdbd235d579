/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static io.tributary.mqtt.config.ListenerSettings.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.OpsSettings;
import io.tributary.mqtt.testing.TestCertificates;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS settings fail the start, before Kafka is touched, with a message that names the setting and file. */
class TlsSettingsStartTest {

    static TestCertificates ca;
    static TestCertificates.Issued server;

    @TempDir
    Path dir;

    @BeforeAll
    static void certificates() {
        ca = TestCertificates.authority("settings-test-ca");
        server = ca.server("settings-test-node");
    }

    /** The settings with the ops listener off: its default port (9464) may be taken on a test machine. */
    static BrokerConfig withoutOps(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(settings);
        all.put(OpsSettings.OPS_HTTP_LISTENER_CONFIG, "none");
        return new BrokerConfig(all);
    }

    static Map<String, Object> tls(Object certFile, Object keyFile) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(BrokerConfig.MQTT_PORT_CONFIG, "0");
        settings.put(TLS_ENABLED_CONFIG, "true");
        settings.put(TLS_PORT_CONFIG, "0");
        settings.put(WS_ENABLED_CONFIG, "true");
        settings.put(WS_PORT_CONFIG, "0");
        settings.put(TLS_CERT_FILE_CONFIG, certFile.toString());
        settings.put(TLS_KEY_FILE_CONFIG, keyFile.toString());
        return settings;
    }

    @Test
    void goodFilesBindEveryListenerThatIsOn() {
        NodeListeners listeners = NodeListeners.bind(withoutOps(tls(server.certPem(), server.keyPem())));
        try {
            assertThat(listeners.secured()).extracting(MqttListener::scheme).containsExactly("mqtts", "ws");
            assertThat(listeners.mqttUrls(bind -> "h"))
                    .hasSize(3)
                    .first()
                    .asString()
                    .startsWith("mqtt://h:");
        } finally {
            listeners.closeUnopened();
        }
    }

    @Test
    void aMissingCertificateFileIsNamed() {
        Path missing = dir.resolve("no-such-cert.pem");
        assertThatThrownBy(() -> NodeListeners.bind(withoutOps(tls(missing, server.keyPem()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TLS_CERT_FILE_CONFIG)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("no such file");
    }

    @Test
    void aCertificateFileThatIsNotPemIsNamed() throws Exception {
        Path garbage = Files.writeString(dir.resolve("cert.txt"), "hello, not a certificate\n");
        assertThatThrownBy(() -> NodeListeners.bind(withoutOps(tls(garbage, server.keyPem()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TLS_CERT_FILE_CONFIG)
                .hasMessageContaining(garbage.toString());
    }

    @Test
    void aKeyFileThatIsNotAKeyIsNamed() throws Exception {
        Path notAKey = Files.writeString(
                dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> NodeListeners.bind(withoutOps(tls(server.certPem(), notAKey))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TLS_KEY_FILE_CONFIG)
                .hasMessageContaining(notAKey.toString());
    }

    @Test
    void aTlsListenerWithoutKeyMaterialOrAClientAuthWithoutCasIsRefused() {
        Map<String, Object> noKeys = tls("", "");
        assertThatThrownBy(() -> new BrokerConfig(noKeys))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TLS_KEYSTORE_FILE_CONFIG);
        Map<String, Object> noCa = tls(server.certPem(), server.keyPem());
        noCa.put(TLS_CLIENT_AUTH_CONFIG, "required");
        assertThatThrownBy(() -> new BrokerConfig(noCa))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TLS_CA_FILE_CONFIG);
        Map<String, Object> oldTls = tls(server.certPem(), server.keyPem());
        oldTls.put(TLS_PROTOCOLS_CONFIG, "TLSv1.1");
        assertThatThrownBy(() -> new BrokerConfig(oldTls)).isInstanceOf(ConfigException.class);
    }

    @Test
    void listenersUrlsBindEachOnItsOwnAddressAndPath() {
        Map<String, Object> settings = new HashMap<>();
        settings.put(
                LISTENERS_CONFIG,
                "ws://127.0.0.1:0/ws-here,tcp://127.0.0.1:0,tls://localhost:0,wss://127.0.0.1:0,tcp://localhost:0");
        settings.put(TLS_CERT_FILE_CONFIG, server.certPem().toString());
        settings.put(TLS_KEY_FILE_CONFIG, server.keyPem().toString());
        NodeListeners listeners = NodeListeners.bind(withoutOps(settings));
        try {
            assertThat(listeners.mqtt().scheme()).isEqualTo("mqtt"); // plain first: the node's mqtt port
            assertThat(listeners.mqttUrls(bind -> bind))
                    .hasSize(5)
                    .anySatisfy(u -> assertThat(u).matches("mqtt://127\\.0\\.0\\.1:\\d+"))
                    .anySatisfy(u -> assertThat(u).matches("mqtt://localhost:\\d+"))
                    .anySatisfy(u -> assertThat(u).matches("mqtts://localhost:\\d+"))
                    .anySatisfy(u -> assertThat(u).matches("ws://127\\.0\\.0\\.1:\\d+/ws-here"))
                    .anySatisfy(u -> assertThat(u).matches("wss://127\\.0\\.0\\.1:\\d+/mqtt"));
        } finally {
            listeners.closeUnopened();
        }
    }

    @Test
    void aListenerThatCannotBindFailsTheStartNamingItsEntryAndFreesTheOthers() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = busy.getLocalPort();
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int free = probe.getLocalPort();
                probe.close();
                String entry = "ws://127.0.0.1:" + port + "/mqtt";
                Map<String, Object> settings = Map.of(LISTENERS_CONFIG, "tcp://127.0.0.1:" + free + "," + entry);
                assertThatThrownBy(() -> NodeListeners.bind(withoutOps(settings)))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("cannot listen for MQTT (ws) on 127.0.0.1:" + port + " (listeners entry " + entry
                                + "): port already in use");
                // The plain listener bound before it was released.
                try (ServerSocket again = new ServerSocket(free, 1, InetAddress.getLoopbackAddress())) {
                    assertThat(again.getLocalPort()).isEqualTo(free);
                }
            }
        }
    }

    @Test
    void everyExtraListenerIsOffByDefault() {
        NodeListeners listeners = NodeListeners.bind(withoutOps(Map.of(BrokerConfig.MQTT_PORT_CONFIG, "0")));
        try {
            assertThat(listeners.secured()).isEmpty();
        } finally {
            listeners.closeUnopened();
        }
    }

    @Test
    void aStartThatFailsFreesTheAdminAndOpsPortsToo() throws Exception {
        int admin;
        int ops;
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket o = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            admin = a.getLocalPort();
            ops = o.getLocalPort();
        }
        NodeListeners listeners = NodeListeners.bind(new BrokerConfig(Map.of(
                BrokerConfig.MQTT_PORT_CONFIG,
                "0",
                BrokerConfig.ADMIN_HTTP_PORT_CONFIG,
                Integer.toString(admin),
                OpsSettings.OPS_HTTP_LISTENER_CONFIG,
                "127.0.0.1:" + ops)));
        listeners.closeUnopened();
        // The JDK's HTTP server keeps the port of a server never started, unless released as NodeListeners does.
        try (ServerSocket a = new ServerSocket(admin, 1, InetAddress.getLoopbackAddress());
                ServerSocket o = new ServerSocket(ops, 1, InetAddress.getLoopbackAddress())) {
            assertThat(a.getLocalPort()).isEqualTo(admin);
            assertThat(o.getLocalPort()).isEqualTo(ops);
        }
    }
}
