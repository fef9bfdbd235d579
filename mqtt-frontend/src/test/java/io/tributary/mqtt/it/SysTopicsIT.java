/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.wire.ReasonCodes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node's statistics under {@code $SYS/brokers/{node}/...}, as a real client sees them: published every
 * sys.interval.ms to the node's own subscribers, plausible values, not written to Kafka, and not matched by
 * a leading wildcard [MQTT-4.7.2-1].
 */
class SysTopicsIT {

    private static final String NODE = "sys-node-1";
    private static final java.util.concurrent.atomic.AtomicInteger SPOOFED_RECORDS =
            new java.util.concurrent.atomic.AtomicInteger();

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withSettings(
            Map.of(BrokerConfig.SYS_INTERVAL_CONFIG, 200, BrokerConfig.NODE_ID_CONFIG, NODE));

    @Test
    void subscriberToClientsConnectedSeesTheNumberOfConnectedClients() throws Exception {
        List<String> values = new CopyOnWriteArrayList<>();
        List<String> topics = new CopyOnWriteArrayList<>();
        MqttClient watcher = client("sys-watcher");
        MqttClient other = null;
        try {
            watcher.subscribe("$SYS/brokers/+/clients/connected", 0, (t, m) -> {
                topics.add(t);
                values.add(new String(m.getPayload(), StandardCharsets.UTF_8));
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> !values.isEmpty());
            assertThat(topics.get(0)).isEqualTo("$SYS/brokers/" + NODE + "/clients/connected");
            assertThat(Long.parseLong(values.get(values.size() - 1)))
                    .as("at least the watcher")
                    .isGreaterThanOrEqualTo(1);
            long before = Long.parseLong(values.get(values.size() - 1));
            other = client("sys-other");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Long.parseLong(values.get(values.size() - 1)) == before + 1);
        } finally {
            if (other != null) {
                other.disconnect();
                other.close();
            }
            watcher.disconnect();
            watcher.close();
        }
    }

    @Test
    void sysTreeCarriesTrafficCountersAndLeadingWildcardsDoNotMatchIt() throws Exception {
        Map<String, String> sys = new ConcurrentHashMap<>();
        List<String> hashTopics = new CopyOnWriteArrayList<>();
        List<String> plusTopics = new CopyOnWriteArrayList<>();
        // One client per filter: Paho hands a message to every listener whose filter matches it by its own
        // rules, which know nothing of '$' topics.
        MqttClient c = client("sys-tree");
        MqttClient hash = client("sys-hash");
        MqttClient plus = client("sys-plus");
        try {
            c.subscribe("$SYS/#", 0, (t, m) -> sys.put(t, new String(m.getPayload(), StandardCharsets.UTF_8)));
            hash.subscribe("#", 0, (t, m) -> hashTopics.add(t));
            plus.subscribe("+/brokers/#", 0, (t, m) -> plusTopics.add(t));
            c.publish("sys-test/data", "12345".getBytes(StandardCharsets.UTF_8), 1, false);
            String p = "$SYS/brokers/" + NODE + "/";
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(sys)
                        .containsKeys(
                                p + "clients/connected",
                                p + "connections/open",
                                p + "messages/received",
                                p + "messages/sent",
                                p + "bytes/received",
                                p + "bytes/sent",
                                p + "kafka/lag",
                                p + "uptime");
                assertThat(Long.parseLong(sys.get(p + "messages/received"))).isGreaterThanOrEqualTo(1);
                assertThat(Long.parseLong(sys.get(p + "bytes/received"))).isGreaterThanOrEqualTo(5);
                assertThat(Long.parseLong(sys.get(p + "messages/sent")))
                        .as("the # subscriber got it")
                        .isGreaterThanOrEqualTo(1);
                assertThat(Long.parseLong(sys.get(p + "kafka/lag"))).isBetween(0L, 1000L);
                assertThat(Long.parseLong(sys.get(p + "uptime"))).isGreaterThanOrEqualTo(0);
            });
            assertThat(hashTopics)
                    .as("'#' matches no $SYS topic [MQTT-4.7.2-1]")
                    .containsOnly("sys-test/data");
            assertThat(plusTopics)
                    .as("'+' at the first level matches no $SYS topic [MQTT-4.7.2-1]")
                    .isEmpty();
        } finally {
            for (MqttClient client : List.of(c, hash, plus)) {
                client.disconnect();
                client.close();
            }
        }
        long sysRecords =
                broker.kafka().readAll((String) broker.settings().get(BrokerConfig.MESSAGES_TOPIC_CONFIG)).stream()
                        .filter(r -> new String(r.key(), StandardCharsets.UTF_8).startsWith("$SYS"))
                        .count();
        assertThat(sysRecords)
                .as("$SYS messages are node-local, not Kafka records (only a test's spoof is there)")
                .isEqualTo(SPOOFED_RECORDS.get());
    }

    @Test
    void clientsMayNotPublishIntoTheSysTree() throws Exception {
        long before = broker.node().metrics().getSysPublishesRefused();
        // MQTT 5, QoS 1: PUBACK 0x87 Not authorized, the connection stays.
        try (RawMqttClient v5 = RawPackets.connected(broker.mqttPort(), MqttVersion.MQTT_5, "sys-spoof-5")) {
            v5.send(RawPackets.publish("$SYS/brokers/" + NODE + "/clients/connected", "9999", 1, 1));
            MqttMessage ack = v5.read(RawPackets.READ_TIMEOUT);
            assertThat(ack).isNotNull();
            assertThat(ack.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBACK);
            assertThat(((MqttPubReplyMessageVariableHeader) ack.variableHeader()).reasonCode())
                    .isEqualTo(ReasonCodes.NOT_AUTHORIZED);
            v5.send(RawPackets.publish("sys-test/ok", "fine", 1, 2));
            assertThat(RawPackets.nextType(v5, RawPackets.READ_TIMEOUT)).isEqualTo(MqttMessageType.PUBACK);
        }
        // MQTT 3.1.1 has no negative acknowledgement: the connection is closed [MQTT-3.3.5-2].
        try (RawMqttClient v3 = RawPackets.connected(broker.mqttPort(), MqttVersion.MQTT_3_1_1, "sys-spoof-3")) {
            v3.send(RawPackets.publish("$SYS/anything", "x", 1, 1));
            assertThat(v3.awaitClosed(RawPackets.READ_TIMEOUT)).isTrue();
        }
        assertThat(broker.node().metrics().getSysPublishesRefused()).isEqualTo(before + 2);

        // Nor through Kafka: a plain producer's record keyed into $SYS is not delivered. A subscription to '#'
        // makes the node read the messages topic (it reads only what subscriptions need), so the record is read,
        // and dropped.
        long dropped = broker.node().metrics().getRecordsWithoutTopic();
        SPOOFED_RECORDS.incrementAndGet();
        try (V3Client reader =
                        V3Client.connect(broker.node(), "sys-spoof-reader").subscribe("#", 0);
                var producer = broker.kafka().producer()) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            (String) broker.settings().get(BrokerConfig.MESSAGES_TOPIC_CONFIG),
                            ("$SYS/brokers/" + NODE + "/uptime").getBytes(StandardCharsets.UTF_8),
                            "-1".getBytes(StandardCharsets.UTF_8)))
                    .get();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> broker.node().metrics().getRecordsWithoutTopic() == dropped + 1);
            assertThat(reader.topics()).noneMatch(t -> t.startsWith("$SYS"));
        }
    }

    private static MqttClient client(String id) throws Exception {
        MqttClient c = new MqttClient(TestBroker.uri(broker.node()), id, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        c.connect(o);
        return c;
    }
}
