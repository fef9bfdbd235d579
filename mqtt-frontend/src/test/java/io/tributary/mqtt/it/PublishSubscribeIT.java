/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PUBLISH at every QoS through a real Kafka to a real subscriber, and the record a plain consumer sees. */
class PublishSubscribeIT {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    static final String messagesTopic =
            broker.settings().get(BrokerConfig.MESSAGES_TOPIC_CONFIG).toString();

    static MqttClient client(String id) throws Exception {
        MqttClient c = new MqttClient(TestBroker.uri(broker.node()), id, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        c.connect(o);
        return c;
    }

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {0, 1, 2})
    void publishReachesSubscriberAtEveryQos(int qos) throws Exception {
        MqttClient sub = client("sub-" + qos);
        List<String> got = new CopyOnWriteArrayList<>();
        sub.subscribe(
                "qos/" + qos + "/#",
                qos,
                (t, m) -> got.add(t + "=" + new String(m.getPayload(), StandardCharsets.UTF_8) + "@" + m.getQos()));
        MqttClient pub = client("pub-" + qos);
        pub.publish("qos/" + qos + "/a", ("hello" + qos).getBytes(StandardCharsets.UTF_8), qos, false);
        await().atMost(Duration.ofSeconds(15)).until(() -> !got.isEmpty());
        assertThat(got).containsExactly("qos/" + qos + "/a=hello" + qos + "@" + qos);
        pub.disconnect();
        sub.disconnect();
    }

    @ParameterizedTest(name = "HiveMQ MQTT 5 client, QoS {0}")
    @ValueSource(ints = {0, 1, 2})
    void hiveMqClientRoundTrip(int qos) {
        var sub = com.hivemq.client.mqtt.MqttClient.builder()
                .useMqttVersion5()
                .identifier("hm-sub-" + qos)
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildBlocking();
        sub.connect();
        List<String> got = new CopyOnWriteArrayList<>();
        sub.toAsync()
                .subscribeWith()
                .topicFilter("hm/" + qos + "/+")
                .qos(MqttQos.fromCode(qos))
                .callback(p -> got.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
                .send()
                .join();
        var pub = com.hivemq.client.mqtt.MqttClient.builder()
                .useMqttVersion5()
                .identifier("hm-pub-" + qos)
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildBlocking();
        pub.connect();
        pub.publishWith()
                .topic("hm/" + qos + "/x")
                .qos(MqttQos.fromCode(qos))
                .payload(("v5-" + qos).getBytes(StandardCharsets.UTF_8))
                .send();
        await().atMost(Duration.ofSeconds(15)).until(() -> got.contains("v5-" + qos));
        pub.disconnect();
        sub.disconnect();
    }

    /** [MQTT-4.3.3-9]: a QoS 2 PUBLISH sent again with the same packet id before PUBREL is one message. */
    @Test
    void qos2PublishResentBeforePubrelIsWrittenToKafkaOnce() throws Exception {
        try (var raw = new RawMqttClient(broker.mqttPort(), MqttVersion.MQTT_3_1_1)) {
            raw.send(MqttMessageBuilders.connect()
                    .clientId("qos2-dup")
                    .protocolVersion(MqttVersion.MQTT_3_1_1)
                    .cleanSession(true)
                    .keepAlive(60)
                    .build());
            assertThat(raw.read(Duration.ofSeconds(10)).fixedHeader().messageType())
                    .isEqualTo(MqttMessageType.CONNACK);
            for (boolean dup : new boolean[] {false, true}) {
                var fixed = new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.EXACTLY_ONCE, false, 0);
                raw.send(new MqttPublishMessage(
                        fixed,
                        new MqttPublishVariableHeader("once/only", 7),
                        Unpooled.copiedBuffer("exactly-once", StandardCharsets.UTF_8)));
                var pubrec = raw.read(Duration.ofSeconds(10));
                assertThat(pubrec.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBREC);
            }
            raw.send(new MqttMessage(
                    new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                    MqttMessageIdVariableHeader.from(7)));
            assertThat(raw.read(Duration.ofSeconds(10)).fixedHeader().messageType())
                    .isEqualTo(MqttMessageType.PUBCOMP);
        }
        assertThat(broker.kafka().readAll(messagesTopic))
                .filteredOn(r -> new String(r.key(), StandardCharsets.UTF_8).equals("once/only"))
                .hasSize(1);
    }

    @Test
    void countersAreReadableOverJmx() throws Exception {
        MqttClient pub = client("pub-jmx");
        pub.publish("jmx/t", "x".getBytes(StandardCharsets.UTF_8), 1, false);
        pub.disconnect();
        var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        var names = server.queryNames(new javax.management.ObjectName("io.tributary:type=BrokerMetrics,*"), null);
        assertThat(names).isNotEmpty();
        long published = 0;
        for (var name : names) {
            published += (Long) server.getAttribute(name, "PublishesIn");
        }
        assertThat(published).isGreaterThanOrEqualTo(1);
    }

    @Test
    void plainKafkaConsumerReadsTheRecord() throws Exception {
        MqttClient pub = client("pub-kafka");
        pub.publish("sensors/room1/temp", "21.5".getBytes(StandardCharsets.UTF_8), 1, false);
        pub.disconnect();
        List<ConsumerRecord<byte[], byte[]>> records = broker.kafka().readAll(messagesTopic);
        ConsumerRecord<byte[], byte[]> r = records.stream()
                .filter(x -> new String(x.key(), StandardCharsets.UTF_8).equals("sensors/room1/temp"))
                .findFirst()
                .orElseThrow();
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("21.5");
        assertThat(new String(r.headers().lastHeader("mqtt.qos").value(), StandardCharsets.UTF_8))
                .isEqualTo("1");
        assertThat(new String(r.headers().lastHeader("mqtt.client").value(), StandardCharsets.UTF_8))
                .isEqualTo("pub-kafka");
    }
}
