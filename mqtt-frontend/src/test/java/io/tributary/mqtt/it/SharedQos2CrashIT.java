/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.CrashPoint;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.shared.ShareGroupNames;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.LogLines;
import io.tributary.mqtt.testing.NodeProcess;
import io.tributary.mqtt.testing.PayloadLedger;
import io.tributary.mqtt.testing.TestBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once for a shared subscription across {@code kill -9}: the node of the member that took a QoS 2 message dies
 * after the member's record (listing the message, with its share-group marker) committed and the PUBLISH went out,
 * before the share group's ACCEPT. The group gives the record out again once its lock runs out, to a member on another
 * node (or on the restarted node), while the member's resumed session sends it again too. A ledger of what all
 * members received (Paho hands a QoS 2 message on at PUBREL, once per packet id) must hold every message once
 * [MQTT-4.8.2-5]. The node halts itself at the step through the test-only {@link CrashPoint} hook (as CrashPointLedgerIT
 * does); the group's lock is 2 s, so the redelivery comes within seconds.
 */
class SharedQos2CrashIT {

    private static final int MESSAGES = 10;
    private static final int LOCK_MS = 2_000;
    private static final String FILTER = "shared/crash";

    @RegisterExtension
    static final BrokerExtension kafka = BrokerExtension.kafkaOnly();

    @TempDir
    static Path logs;

    @Test
    void aQos2MessageWhoseMembersNodeDiesBeforeTheAcceptReachesTheGroupOnce() throws Exception {
        Map<String, Object> settings = TestBroker.isolatedSettings();
        // One partition: every member of the group fetches it (the dead member's share of it does not hold it up).
        settings.put(BrokerConfig.MESSAGES_PARTITIONS_CONFIG, "1");
        settings.put(BrokerConfig.SESSION_CHECKPOINT_CONFIG, "600000"); // nothing rests on checkpoints
        Map<String, Object> nodeA = TestBroker.with(settings, BrokerConfig.NODE_ID_CONFIG, "shared-a");
        int portA = freePort();
        nodeA.put(BrokerConfig.MQTT_PORT_CONFIG, Integer.toString(portA));
        shortLock(settings.get(BrokerConfig.MESSAGES_TOPIC_CONFIG).toString());
        Path crashFile = logs.resolve("crash-point");
        Files.writeString(crashFile, CrashPoint.QOS2_OUT_SHARED_STORED);

        PayloadLedger ledger = new PayloadLedger();
        List<MqttAsyncClient> clients = new ArrayList<>();
        NodeProcess first = NodeProcess.start(kafka.bootstrapServers(), nodeA, crashFile, logs.resolve("a-1.log"));
        try (LogLines logB = LogLines.of("io.tributary.mqtt.kafka");
                BrokerNode nodeB = TestBroker.start(
                        kafka.kafka(), TestBroker.with(settings, BrokerConfig.NODE_ID_CONFIG, "shared-b"))) {
            MqttAsyncClient onA = member(portA, "crash-member-a", ledger, clients);
            MqttAsyncClient pub = connect(client(nodeB.mqttPort(), "crash-pub", clients), true);
            pub.publish(FILTER, "m0".getBytes(StandardCharsets.UTF_8), 2, false).waitForCompletion(10_000);
            assertThat(first.awaitExit(Duration.ofSeconds(30)))
                    .as("node A halted with the message taken, before the ACCEPT")
                    .isTrue();
            assertThat(first.output()).contains("Halting at crash point " + CrashPoint.QOS2_OUT_SHARED_STORED);

            member(nodeB.mqttPort(), "crash-member-b", ledger, clients);
            for (int i = 1; i < MESSAGES; i++) {
                pub.publish(FILTER, ("m" + i).getBytes(StandardCharsets.UTF_8), 2, false)
                        .waitForCompletion(10_000);
            }
            // The member comes back on node B, which takes its session over from the dead node: the session owes
            // it m0, sent again under its packet id.
            reconnect(onA, portA, nodeB.mqttPort());

            await().atMost(Duration.ofSeconds(45)).until(() -> ledger.received.size() == MESSAGES);
            // The record of m0 comes back to the group LOCK_MS after it was taken; nothing may come twice, late either.
            await().during(Duration.ofMillis(3L * LOCK_MS))
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(ledger.received)
                            .allSatisfy((m, n) ->
                                    assertThat(n).as("deliveries of %s", m).isEqualTo(1)));
            for (int i = 0; i < MESSAGES; i++) {
                assertThat(ledger.received).containsEntry("m" + i, 1);
            }
            assertThat(logB.lines())
                    .as("the record came back and was accepted without a delivery")
                    .anyMatch(line -> line.contains("came back after a member had taken it"));
        } finally {
            for (MqttAsyncClient c : clients) {
                if (c.isConnected()) {
                    c.disconnectForcibly(1_000);
                }
                c.close(true);
            }
            first.kill();
        }
    }

    /** The share group's record lock, a group config: seconds, so that the dead member's record comes back soon. */
    private static void shortLock(String messagesTopic) throws Exception {
        String group = ShareGroupNames.groupId("g", FILTER, Set.of(messagesTopic));
        kafka.kafka()
                .admin()
                .incrementalAlterConfigs(Map.of(
                        new ConfigResource(ConfigResource.Type.GROUP, group),
                        List.of(new AlterConfigOp(
                                new ConfigEntry("share.record.lock.duration.ms", Integer.toString(LOCK_MS)),
                                AlterConfigOp.OpType.SET))))
                .all()
                .get(30, TimeUnit.SECONDS);
    }

    private static MqttAsyncClient member(int port, String id, PayloadLedger ledger, List<MqttAsyncClient> clients)
            throws MqttException {
        MqttAsyncClient c = client(port, id, clients);
        c.setCallback(ledger);
        connect(c, false);
        c.subscribe("$share/g/" + FILTER, 2).waitForCompletion(15_000);
        return c;
    }

    private static MqttAsyncClient client(int port, String id, List<MqttAsyncClient> clients) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient("tcp://127.0.0.1:" + port, id, new MemoryPersistence());
        clients.add(c);
        return c;
    }

    private static MqttAsyncClient connect(MqttAsyncClient c, boolean clean) throws MqttException {
        c.connect(options(clean)).waitForCompletion(10_000);
        return c;
    }

    private static MqttConnectOptions options(boolean clean, int... ports) {
        MqttConnectOptions o = new MqttConnectOptions();
        if (ports.length > 0) {
            String[] uris = new String[ports.length];
            for (int i = 0; i < ports.length; i++) {
                uris[i] = "tcp://127.0.0.1:" + ports[i];
            }
            o.setServerURIs(uris); // tried in order: node A, else node B
        }
        o.setCleanSession(clean); // members are persistent: the resumed one completes what it took [MQTT-4.8.2-4]
        o.setMaxInflight(100);
        o.setKeepAliveInterval(30);
        return o;
    }

    /** The same client object, so its QoS 2 state goes with it; its second server is the other node. */
    private static void reconnect(MqttAsyncClient c, int... ports) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            if (!c.isConnected()) {
                c.connect(options(false, ports)).waitForCompletion(5_000);
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
