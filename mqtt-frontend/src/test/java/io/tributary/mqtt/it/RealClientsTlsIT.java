/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.config.ListenerSettings.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.testing.TestCertificates;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TLS and WebSocket listeners with third-party clients: mosquitto_pub/mosquitto_sub (Debian package
 * {@code mosquitto-clients}, OpenSSL underneath) as child processes, and Eclipse Paho in process. Node
 * {@code mutual} requires client certificates ({@code auth.mode=required}, {@code acl.no.match=deny}), so what a
 * mosquitto client may do follows from its certificate's CN alone; node {@code open} (own cluster metadata) serves
 * server-authenticated TLS and plain WebSocket. Both share the class's one Kafka.
 */
class RealClientsTlsIT {

    static final TestCertificates CA = TestCertificates.authority("real-clients-ca");
    static final TestCertificates.Issued SERVER = CA.server("real-clients-broker");
    static final TestCertificates.Issued DEVICE = CA.client("device-7");
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);

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
            BrokerConfig.AUTH_MODE_CONFIG,
            "required",
            BrokerConfig.ACL_NO_MATCH_CONFIG,
            "deny",
            BrokerConfig.ADMIN_HTTP_PORT_CONFIG,
            "0"));

    static BrokerNode mutual;
    static BrokerNode open;

    @BeforeAll
    static void start() throws Exception {
        mutual = broker.node();
        Map<String, Object> settings = TestBroker.isolatedSettings();
        settings.put(TLS_ENABLED_CONFIG, "true");
        settings.put(TLS_PORT_CONFIG, "0");
        settings.put(TLS_CERT_FILE_CONFIG, SERVER.certPem().toString());
        settings.put(TLS_KEY_FILE_CONFIG, SERVER.keyPem().toString());
        settings.put(WS_ENABLED_CONFIG, "true");
        settings.put(WS_PORT_CONFIG, "0");
        open = broker.startNode(settings);
        // device-7 may use its own tree only; everything else is denied (acl.no.match=deny).
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        TestBroker.adminRequest(mutual, "/v1/acls/device-7-own")
                                .PUT(HttpRequest.BodyPublishers.ofString(
                                        "{\"principal\":\"device-7\",\"action\":\"all\","
                                                + "\"filter\":\"devices/device-7/#\",\"permission\":\"allow\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void mosquittoRoundTripsOverServerAuthenticatedTls() throws Exception {
        List<String> tls = List.of(
                "-h",
                "127.0.0.1",
                "-p",
                port(open, "mqtts"),
                "--cafile",
                CA.caPem().toString());
        try (RunningClient sub = RunningClient.start(
                mosquitto("mosquitto_sub", tls, "-d", "-i", "mosq-sub", "-t", "mosq/tls", "-q", "1", "-C", "1"))) {
            assertThat(sub.awaitLine(l -> l.startsWith("Subscribed (mid: 1):"))).endsWith(": 1");
            runToSuccess(mosquitto(
                    "mosquitto_pub", tls, "-V", "5", "-i", "mosq-pub", "-t", "mosq/tls", "-q", "1", "-m", "via-ca"));
            sub.awaitLine("via-ca"::equals);
        }
    }

    @Test
    void mosquittoWithAClientCertificateActsAsTheCertificatesCommonName() throws Exception {
        List<String> mtls = List.of(
                "-h",
                "127.0.0.1",
                "-p",
                port(mutual, "mqtts"),
                "--cafile",
                CA.caPem().toString(),
                "--cert",
                DEVICE.certPem().toString(),
                "--key",
                DEVICE.keyPem().toString());
        List<String> subscribeOwnTree =
                mosquitto("mosquitto_sub", mtls, "-d", "-i", "dev7-sub", "-t", "devices/device-7/#", "-q", "1");
        // The ACL rule reaches the node asynchronously: until it does, the SUBACK refuses (128).
        RunningClient sub = await().atMost(CLIENT_TIMEOUT)
                .pollInterval(Duration.ofMillis(300))
                .until(() -> subscribedWith(subscribeOwnTree, "1"), s -> s != null);
        try (sub) {
            runToSuccess(mosquitto(
                    "mosquitto_pub", mtls, "-i", "dev7-pub", "-t", "devices/device-7/temp", "-q", "1", "-m", "22.5"));
            sub.awaitLine("22.5"::equals);
        }
        // Another device's tree is not device-7's: the same certificate is refused there.
        List<String> subscribeOtherTree =
                mosquitto("mosquitto_sub", mtls, "-d", "-i", "dev7-nosy", "-t", "devices/device-8/#", "-q", "1");
        try (RunningClient nosy = RunningClient.start(subscribeOtherTree)) {
            assertThat(nosy.awaitLine(l -> l.startsWith("Subscribed (mid: 1):")))
                    .endsWith(": 128");
        }
        // Without a certificate the handshake fails (auth.mode=required has no password to fall back on here).
        Process anonymous = new ProcessBuilder(mosquitto(
                        "mosquitto_pub", mtls.subList(0, 6), "-i", "anon", "-t", "devices/device-7/x", "-m", "x"))
                .redirectErrorStream(true)
                .start();
        try {
            assertThat(anonymous.waitFor(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .isTrue();
            assertThat(anonymous.exitValue()).isNotZero();
        } finally {
            anonymous.destroyForcibly();
        }
    }

    @Test
    void pahoV5RoundTripsOverTls() throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, CA.trustManagers().getTrustManagers(), null);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(ssl.getSocketFactory());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        org.eclipse.paho.mqttv5.client.MqttClient client = new org.eclipse.paho.mqttv5.client.MqttClient(
                "ssl://127.0.0.1:" + open.listenerPort("mqtts"),
                "paho-v5-tls",
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        client.setCallback(new PayloadsInto(received));
        try {
            client.connect(options);
            client.subscribe("paho/tls", 1);
            client.publish("paho/tls", "paho-over-tls".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(received.poll(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo("paho-over-tls");
        } finally {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        }
    }

    @Test
    void pahoV3RoundTripsOverWebSocket() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        org.eclipse.paho.client.mqttv3.MqttClient client = new org.eclipse.paho.client.mqttv3.MqttClient(
                "ws://127.0.0.1:" + open.listenerPort("ws") + "/mqtt",
                "paho-v3-ws",
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        try {
            client.connect(new MqttConnectOptions());
            client.subscribe(
                    "paho/ws",
                    1,
                    (topic, message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
            client.publish("paho/ws", "paho-over-ws".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(received.poll(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo("paho-over-ws");
        } finally {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        }
    }

    /** A subscriber whose SUBACK granted {@code grant}, or null (the process stopped) to try again. */
    private static RunningClient subscribedWith(List<String> command, String grant) throws IOException {
        RunningClient sub = RunningClient.start(command);
        if (sub.awaitLine(l -> l.startsWith("Subscribed (mid: 1):")).endsWith(": " + grant)) {
            return sub;
        }
        sub.close();
        return null;
    }

    private static String port(BrokerNode node, String listener) {
        return Integer.toString(node.listenerPort(listener));
    }

    /** The command line of a mosquitto client; fails (never skips) when the package is not installed. */
    private static List<String> mosquitto(String tool, List<String> connection, String... args) {
        Path executable = Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .map(dir -> Path.of(dir, tool))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError(tool + " is not on the PATH: install the Debian package "
                        + "mosquitto-clients (apt-get install -y mosquitto-clients; .ci/run does it)"));
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        command.addAll(connection);
        command.addAll(List.of(args));
        return command;
    }

    /** Runs a client that must finish on its own with exit status 0. */
    private static void runToSuccess(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            boolean finished = p.waitFor(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!finished) {
                p.destroyForcibly();
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(finished && p.exitValue() == 0)
                    .as("%s ended with %s: %s", command, finished ? p.exitValue() : "a timeout", output)
                    .isTrue();
        } finally {
            p.destroyForcibly();
        }
    }

    /** A long-running client process whose output (stdout and stderr) is read line by line with timeouts. */
    private record RunningClient(Process process, BlockingQueue<String> lines, List<String> seen)
            implements AutoCloseable {

        static RunningClient start(List<String> command) throws IOException {
            // Line-buffered: into a pipe, stdio would hold mosquitto's debug lines (the SUBACK) back.
            List<String> lineBuffered = new ArrayList<>(List.of("stdbuf", "-oL", "-eL"));
            lineBuffered.addAll(command);
            Process process =
                    new ProcessBuilder(lineBuffered).redirectErrorStream(true).start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader in = new BufferedReader(
                                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                            for (String line = in.readLine(); line != null; line = in.readLine()) {
                                lines.add(line);
                            }
                        } catch (IOException e) {
                            // the process was destroyed: its output ends here
                        }
                    },
                    "client-output");
            reader.setDaemon(true);
            reader.start();
            return new RunningClient(process, lines, new CopyOnWriteArrayList<>());
        }

        /** The first line matching, waiting at most CLIENT_TIMEOUT; fails with everything the client printed. */
        String awaitLine(Predicate<String> wanted) {
            long deadline = System.nanoTime() + CLIENT_TIMEOUT.toNanos();
            try {
                while (System.nanoTime() < deadline) {
                    String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (line == null) {
                        break;
                    }
                    seen.add(line);
                    if (wanted.test(line)) {
                        return line;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return fail("no such line from %s within %s; it printed: %s", process.info(), CLIENT_TIMEOUT, seen);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    /** Paho MQTT 5 callback that queues each message's payload. */
    private record PayloadsInto(BlockingQueue<String> received) implements MqttCallback {

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {}

        @Override
        public void mqttErrorOccurred(MqttException exception) {}

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
