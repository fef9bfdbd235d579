/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.embedded.EmbeddedKafka;
import io.tributary.mqtt.server.BrokerNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code bin/tributary} does: embedded Kafka in a data directory plus a node. Stopping both and starting
 * again on the same directory keeps messages, retained messages and sessions.
 */
class QuickstartRestartIT {

    @TempDir
    Path dataDir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private record Quickstart(EmbeddedKafka kafka, BrokerNode node) implements AutoCloseable {
        @Override
        public void close() {
            node.close();
            kafka.close();
        }
    }

    private Quickstart start(int kafkaPort) {
        EmbeddedKafka kafka = new EmbeddedKafka(dataDir, "127.0.0.1", kafkaPort);
        kafka.start();
        Map<String, Object> settings = new HashMap<>();
        settings.put(BrokerConfig.MQTT_PORT_CONFIG, "0");
        settings.put("ops.http.listener", "127.0.0.1:0");
        settings.put(BrokerConfig.DATA_DIR_CONFIG, dataDir.toString());
        return new Quickstart(kafka, BrokerNode.start(new BrokerConfig(settings), kafka.bootstrapServers()));
    }

    private static MqttClient connect(Quickstart q, String id, boolean clean) throws Exception {
        MqttClient c = new MqttClient("tcp://127.0.0.1:" + q.node().mqttPort(), id, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(clean);
        c.connect(o);
        return c;
    }

    @Test
    void restartOnTheSameDataDirKeepsRetainedMessagesAndSessions() throws Exception {
        int kafkaPort = freePort();
        try (Quickstart first = start(kafkaPort)) {
            MqttClient keeper = connect(first, "keeper", false);
            keeper.subscribe("plant/#", 1);
            keeper.disconnect();
            MqttClient pub = connect(first, "pub", true);
            pub.publish("plant/setpoint", "20".getBytes(StandardCharsets.UTF_8), 1, true);
            pub.publish("plant/alarm", "while-away".getBytes(StandardCharsets.UTF_8), 1, false);
            pub.disconnect();
        }
        try (Quickstart second = start(kafkaPort)) {
            List<String> offline = new CopyOnWriteArrayList<>();
            MqttClient keeper =
                    new MqttClient("tcp://127.0.0.1:" + second.node().mqttPort(), "keeper", new MemoryPersistence());
            keeper.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {}

                @Override
                public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage m) {
                    offline.add(topic + "=" + new String(m.getPayload(), StandardCharsets.UTF_8));
                }

                @Override
                public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {}
            });
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(false);
            assertThat(keeper.connectWithResult(o).getSessionPresent()).isTrue();
            await().atMost(Duration.ofSeconds(20)).until(() -> offline.contains("plant/alarm=while-away"));
            keeper.disconnect();

            List<String> retained = new CopyOnWriteArrayList<>();
            MqttClient fresh = connect(second, "fresh", true);
            fresh.subscribe(
                    "plant/setpoint",
                    1,
                    (t, m) -> retained.add(new String(m.getPayload(), StandardCharsets.UTF_8)
                            + (m.isRetained() ? " (retained)" : "")));
            await().atMost(Duration.ofSeconds(20)).until(() -> retained.contains("20 (retained)"));
            fresh.disconnect();
        }
    }
}
