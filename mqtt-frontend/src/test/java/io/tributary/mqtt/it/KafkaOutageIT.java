/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import io.tributary.mqtt.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** No acknowledgement without Kafka's: a QoS 1 PUBLISH waits while Kafka is down and completes when it is back. */
class KafkaOutageIT {

    @RegisterExtension
    static final BrokerExtension broker =
            BrokerExtension.withSettings(Map.of(BrokerConfig.PUBLISH_INFLIGHT_CONFIG, 10));

    /** While Kafka is down a publisher is no longer read: nothing piles up in the node. */
    @Test
    void publisherIsNotReadWhileKafkaIsDownAndEverythingIsAcknowledgedAfterwards() throws Exception {
        int count = 2000;
        try (RawMqttClient raw = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_3_1_1)) {
            raw.send(MqttMessageBuilders.connect()
                    .clientId("flood")
                    .protocolVersion(MqttVersion.MQTT_3_1_1)
                    .cleanSession(true)
                    .keepAlive(0)
                    .build());
            assertThat(raw.read(Duration.ofSeconds(10)).fixedHeader().messageType())
                    .isEqualTo(MqttMessageType.CONNACK);
            long before = broker.node().metrics().getPublishesIn();
            broker.kafka().stopBroker();
            byte[] payload = new byte[1024];
            Thread writer = new Thread(
                    () -> {
                        try {
                            for (int i = 1; i <= count; i++) {
                                raw.send(new MqttPublishMessage(
                                        new MqttFixedHeader(
                                                MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                                        new MqttPublishVariableHeader("flood/t", i),
                                        Unpooled.wrappedBuffer(payload)));
                            }
                        } catch (Exception e) {
                            // the test fails below if not everything was sent
                        }
                    },
                    "flood-writer");
            writer.start();
            // 2 MB are on their way; the node reads at most its limit plus what one socket read holds.
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> broker.node().metrics().getPublishesIn() - before < 200);
            broker.kafka().startBroker();
            int acked = 0;
            while (acked < count) {
                MqttMessage m = raw.read(Duration.ofSeconds(60));
                assertThat(m).as("PUBACK %d of %d", acked + 1, count).isNotNull();
                if (m.fixedHeader().messageType() == MqttMessageType.PUBACK) {
                    acked++;
                }
            }
            writer.join(10_000);
            assertThat(broker.node().metrics().getPublishesIn() - before).isEqualTo(count);
        }
    }

    static MqttAsyncClient connect(String id) throws Exception {
        MqttAsyncClient c = new MqttAsyncClient(TestBroker.uri(broker.node()), id, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setKeepAliveInterval(60);
        c.connect(o).waitForCompletion(10_000);
        return c;
    }

    @Test
    void noPubackWhileKafkaIsDownAndAcknowledgedWhenItIsBack() throws Exception {
        MqttAsyncClient sub = connect("outage-sub");
        List<String> got = new CopyOnWriteArrayList<>();
        sub.subscribe("outage/#", 1, (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)))
                .waitForCompletion(10_000);
        MqttAsyncClient pub = connect("outage-pub");
        pub.publish("outage/a", "before".getBytes(), 1, false).waitForCompletion(10_000);
        await().atMost(Duration.ofSeconds(15)).until(() -> got.contains("before"));

        broker.kafka().stopBroker();
        IMqttDeliveryToken during = pub.publish("outage/a", "during".getBytes(), 1, false);
        // Kafka has not acknowledged the record, so neither may the broker.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> !during.isComplete());

        broker.kafka().startBroker();
        await().atMost(Duration.ofSeconds(60)).until(during::isComplete);
        assertThat(during.getException()).isNull();
        await().atMost(Duration.ofSeconds(30)).until(() -> got.contains("during"));

        // Traffic flows again without a restart of the node.
        pub.publish("outage/a", "after".getBytes(), 1, false).waitForCompletion(30_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> got.contains("after"));
        assertThat(got).containsSubsequence("before", "during", "after");
        pub.disconnect().waitForCompletion(5_000);
        sub.disconnect().waitForCompletion(5_000);
    }
}
