/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.CrashPoint;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.NodeProcess;
import io.tributary.mqtt.testing.PayloadLedger;
import io.tributary.mqtt.testing.TestBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly once across {@code kill -9}: the node runs as a child process (Kafka stays in the test's JVM), dies at
 * each step of the inbound and the outbound QoS 2 handshake, and a node restarted under the same node id finishes
 * the work with the same clients (persistent sessions, in-flight messages re-sent by the clients). A ledger of what
 * the subscriber received, and the committed records of the messages topic, must hold every acknowledged QoS 2
 * message exactly once; QoS 1 at least once with none lost.
 *
 * <p>The steps between two packets (committed but PUBREC not yet written, and so on) cannot be hit by timing a kill
 * from outside, so the node halts itself there ({@code Runtime.halt}, as abrupt as {@code kill -9}) through the
 * test-only hook {@code -Dtributary.test.crash.point=STEP} ({@link CrashPoint}). The other runs kill the process
 * from outside in the middle of a stream. Checkpoints are off (10 min), so nothing rests on them.
 */
class CrashPointLedgerIT {

    private static final Logger LOG = LoggerFactory.getLogger(CrashPointLedgerIT.class);
    private static final int MESSAGES = 30;

    @RegisterExtension
    static final BrokerExtension kafka = BrokerExtension.kafkaOnly();

    @TempDir
    static Path logs;

    /** One node id and port for the class: each run's restarted node is the next run's node to crash. */
    private static final Map<String, Object> SETTINGS = new HashMap<>();

    private static Path crashFile;
    private static @Nullable NodeProcess node;
    private static int starts;

    @BeforeAll
    static void settings() throws IOException {
        SETTINGS.putAll(TestBroker.isolatedSettings());
        SETTINGS.put(BrokerConfig.NODE_ID_CONFIG, "crashy");
        SETTINGS.put(BrokerConfig.MQTT_PORT_CONFIG, freePort());
        SETTINGS.put(BrokerConfig.SESSION_CHECKPOINT_CONFIG, 600_000);
        crashFile = logs.resolve("crash-point");
        Files.writeString(crashFile, "");
    }

    @AfterAll
    static void stopNode() throws InterruptedException {
        if (node != null) {
            node.kill();
        }
    }

    private static NodeProcess startNode() throws IOException, InterruptedException {
        node = NodeProcess.start(
                kafka.bootstrapServers(), SETTINGS, crashFile, logs.resolve("node-" + ++starts + ".log"));
        return node;
    }

    @Test
    void inboundCrashAfterCommitBeforePubrec() throws Exception {
        ledgerAcrossCrash("in-committed", 2, CrashPoint.QOS2_IN_COMMITTED);
    }

    @Test
    void inboundCrashAfterReleaseStoredBeforePubcomp() throws Exception {
        ledgerAcrossCrash("in-released", 2, CrashPoint.QOS2_IN_RELEASED);
    }

    @Test
    void outboundCrashAfterPublishBeforePubrec() throws Exception {
        ledgerAcrossCrash("out-published", 2, CrashPoint.QOS2_OUT_PUBLISHED);
    }

    @Test
    void outboundCrashAfterPubrecBeforePubrel() throws Exception {
        ledgerAcrossCrash("out-release-stored", 2, CrashPoint.QOS2_OUT_RELEASE_STORED);
    }

    @Test
    void outboundCrashAfterPubrelBeforePubcomp() throws Exception {
        ledgerAcrossCrash("out-pubrel-sent", 2, CrashPoint.QOS2_OUT_PUBREL_SENT);
    }

    @Test
    void qos2KilledMidStream() throws Exception {
        ledgerAcrossCrash("kill-qos2", 2, null);
    }

    @Test
    void qos1KilledMidStreamLosesNothing() throws Exception {
        ledgerAcrossCrash("kill-qos1", 1, null);
    }

    /**
     * One run: a node that dies at {@code crashPoint} (or is killed from outside once a third of the messages
     * arrived, when null), then a node under the same id that the same clients reconnect to.
     */
    private void ledgerAcrossCrash(String name, int qos, @Nullable String crashPoint) throws Exception {
        int port = Integer.parseInt(SETTINGS.get(BrokerConfig.MQTT_PORT_CONFIG).toString());
        String topic = "ledger/" + name;
        PayloadLedger ledger = new PayloadLedger();
        MqttAsyncClient sub = client(port, name + "-sub");
        MqttAsyncClient pub = client(port, name + "-pub");
        try {
            NodeProcess first = node != null ? node : startNode();
            sub.setCallback(ledger);
            sub.connect(options()).waitForCompletion(10_000);
            sub.subscribe(topic, qos).waitForCompletion(10_000);
            pub.connect(options()).waitForCompletion(10_000);
            Files.writeString(crashFile, crashPoint == null ? "" : crashPoint);
            int published = publish(pub, topic, name, qos, 0);
            if (crashPoint != null) {
                assertThat(first.awaitExit(Duration.ofSeconds(30)))
                        .as("node halted at " + crashPoint)
                        .isTrue();
                assertThat(first.output()).contains("Halting at crash point " + crashPoint);
            } else {
                await().atMost(Duration.ofSeconds(30)).until(() -> ledger.received.size() >= MESSAGES / 3);
                first.kill();
            }
            Files.writeString(crashFile, "");
            long t0 = System.nanoTime();
            startNode();
            reconnect(sub);
            reconnect(pub);
            LOG.info("{}: clients back {} ms after the restart began", name, (System.nanoTime() - t0) / 1_000_000);
            publish(pub, topic, name, qos, published); // those the client could not take before the crash
            await().atMost(Duration.ofSeconds(45))
                    .until(() -> pub.getPendingDeliveryTokens().length == 0 && ledger.received.size() == MESSAGES);
            if (qos == 2) {
                // Nothing comes twice, also not a second late.
                await().during(Duration.ofSeconds(1))
                        .atMost(Duration.ofSeconds(5))
                        .untilAsserted(() -> assertThat(ledger.received)
                                .allSatisfy((m, n) ->
                                        assertThat(n).as("deliveries of %s", m).isEqualTo(1)));
            }
            Map<String, Integer> inKafka = committedPayloads(name);
            for (int i = 0; i < MESSAGES; i++) {
                String m = name + "-m" + i;
                assertThat(ledger.received.get(m)).as("%s delivered", m).isNotNull();
                assertThat(inKafka.get(m)).as("%s in Kafka", m).isNotNull();
                if (qos == 2) {
                    assertThat(inKafka.get(m)).as("records of %s in Kafka", m).isEqualTo(1);
                }
            }
            LOG.info("{}: {} messages, ledger {}", name, MESSAGES, ledger.received);
            sub.disconnect().waitForCompletion(5_000);
            pub.disconnect().waitForCompletion(5_000);
        } finally {
            for (MqttAsyncClient c : List.of(sub, pub)) {
                if (c.isConnected()) {
                    c.disconnectForcibly(1_000);
                }
                c.close(true);
            }
        }
    }

    /** Publishes from {@code from} until the connection is gone; returns how many the client took. */
    private static int publish(MqttAsyncClient pub, String topic, String name, int qos, int from) {
        int i = from;
        try {
            for (; i < MESSAGES; i++) {
                pub.publish(topic, (name + "-m" + i).getBytes(StandardCharsets.UTF_8), qos, false);
            }
        } catch (MqttException e) {
            LOG.info("Publisher stopped at m{}: {}", i, e.toString()); // the node died under it
        }
        return i;
    }

    /** The committed records of the messages topic with this run's payloads, per payload. */
    private static Map<String, Integer> committedPayloads(String name) {
        Map<String, Integer> counts = new HashMap<>();
        String topic = SETTINGS.get(BrokerConfig.MESSAGES_TOPIC_CONFIG).toString();
        for (ConsumerRecord<byte[], byte[]> r : kafka.kafka().readCommitted(topic)) {
            String payload = new String(r.value(), StandardCharsets.UTF_8);
            if (payload.startsWith(name + "-m")) {
                counts.merge(payload, 1, Integer::sum);
            }
        }
        return counts;
    }

    private static MqttAsyncClient client(int port, String id) throws MqttException {
        return new MqttAsyncClient("tcp://127.0.0.1:" + port, id, new MemoryPersistence());
    }

    private static MqttConnectOptions options() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(false); // persistent: the client re-sends what is in flight, the node resumes it
        o.setMaxInflight(100);
        o.setKeepAliveInterval(30);
        return o;
    }

    private static void reconnect(MqttAsyncClient c) {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            if (!c.isConnected()) {
                c.connect(options()).waitForCompletion(5_000);
            }
            return c.isConnected();
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
