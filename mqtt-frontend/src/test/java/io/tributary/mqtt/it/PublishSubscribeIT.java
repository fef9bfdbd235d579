/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.KafkaTestCluster;
import io.tributary.mqtt.testing.TestBroker;

/** PUBLISH at every QoS through a real Kafka to a real subscriber, and the record a plain consumer sees. */
class PublishSubscribeIT {

    static KafkaTestCluster kafka;
    static BrokerNode broker;
    static String messagesTopic;

    @BeforeAll
    static void start() {
        kafka = KafkaTestCluster.start();
        var settings = TestBroker.isolatedSettings();
        messagesTopic = settings.get(BrokerConfig.MESSAGES_TOPIC_CONFIG).toString();
        broker = TestBroker.start(kafka, settings);
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
        kafka.close();
    }

    static MqttClient client(String id) throws Exception {
        MqttClient c = new MqttClient(TestBroker.uri(broker), id, new MemoryPersistence());
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
        sub.subscribe("qos/" + qos + "/#", qos, (t, m) -> got.add(t + "=" + new String(m.getPayload(),
                StandardCharsets.UTF_8) + "@" + m.getQos()));
        MqttClient pub = client("pub-" + qos);
        pub.publish("qos/" + qos + "/a", ("hello" + qos).getBytes(StandardCharsets.UTF_8), qos, false);
        await().atMost(Duration.ofSeconds(15)).until(() -> !got.isEmpty());
        assertThat(got).containsExactly("qos/" + qos + "/a=hello" + qos + "@" + qos);
        pub.disconnect();
        sub.disconnect();
    }

    @Test
    void plainKafkaConsumerReadsTheRecord() throws Exception {
        MqttClient pub = client("pub-kafka");
        pub.publish("sensors/room1/temp", "21.5".getBytes(StandardCharsets.UTF_8), 1, false);
        pub.disconnect();
        List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll(messagesTopic);
        ConsumerRecord<byte[], byte[]> r = records.stream()
                .filter(x -> new String(x.key(), StandardCharsets.UTF_8).equals("sensors/room1/temp"))
                .findFirst().orElseThrow();
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("21.5");
        assertThat(new String(r.headers().lastHeader("mqtt.qos").value(), StandardCharsets.UTF_8)).isEqualTo("1");
        assertThat(new String(r.headers().lastHeader("mqtt.client").value(), StandardCharsets.UTF_8))
                .isEqualTo("pub-kafka");
    }
}
