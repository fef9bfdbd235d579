/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.kafka.TopicProvisioner.TopicSetupException;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kafka side of the contract (docs/kafka-layout.md), by example: MQTT packets in, Kafka records out,
 * and plain Kafka records in, MQTT messages out.
 */
class KafkaMappingIT {

    // The class has a Kafka of its own: the mapped topic needs no prefix to be the class's alone.
    static final String TELEMETRY_TOPIC = "factory.telemetry";

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withSettings(Map.of(
            BrokerConfig.MAPPING_RULES_CONFIG,
            "telemetry",
            "mapping.rule.telemetry.filter",
            "factory/+/telemetry/#",
            "mapping.rule.telemetry.kafka.topic",
            TELEMETRY_TOPIC,
            "mapping.rule.telemetry.key",
            "{2}",
            "mapping.rule.telemetry.mqtt.topic",
            "factory/{key}/telemetry"));

    static final String messages =
            broker.settings().get(BrokerConfig.MESSAGES_TOPIC_CONFIG).toString();
    static final String telemetry = TELEMETRY_TOPIC;

    static Mqtt5BlockingClient v5(String id) {
        Mqtt5BlockingClient c = MqttClient.builder()
                .useMqttVersion5()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildBlocking();
        c.connect();
        return c;
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : str(h.value());
    }

    @Test
    void mqtt5PublishBecomesRecordWithMetadataHeaders() {
        Mqtt5BlockingClient pub = v5("props-pub");
        pub.publishWith()
                .topic("home/kitchen/temp")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload("22.5".getBytes())
                .contentType("text/plain")
                .payloadFormatIndicator(com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator.UTF_8)
                .responseTopic("home/kitchen/reply")
                .correlationData("c-1".getBytes())
                .messageExpiryInterval(3600)
                .userProperties()
                .add("site", "berlin")
                .add("mqtt.weird", "escaped")
                .applyUserProperties()
                .send();
        pub.disconnect();
        ConsumerRecord<byte[], byte[]> r = broker.kafka().readAll(messages).stream()
                .filter(x -> str(x.key()).equals("home/kitchen/temp"))
                .findFirst()
                .orElseThrow();
        assertThat(str(r.value())).isEqualTo("22.5");
        assertThat(header(r, "mqtt.qos")).isEqualTo("1");
        assertThat(header(r, "mqtt.client")).isEqualTo("props-pub");
        assertThat(header(r, "mqtt.content.type")).isEqualTo("text/plain");
        assertThat(header(r, "mqtt.payload.format")).isEqualTo("1");
        assertThat(header(r, "mqtt.response.topic")).isEqualTo("home/kitchen/reply");
        assertThat(header(r, "mqtt.correlation.data")).isEqualTo("c-1");
        assertThat(Long.parseLong(header(r, "mqtt.expiry")))
                .isBetween(System.currentTimeMillis() + 3_000_000, System.currentTimeMillis() + 3_600_000);
        assertThat(header(r, "site")).isEqualTo("berlin");
        assertThat(header(r, "mqtt.user.mqtt.weird")).isEqualTo("escaped");
        assertThat(header(r, "mqtt.topic"))
                .as("key is the topic, no topic header")
                .isNull();
    }

    @Test
    void mappingRuleRoutesToItsTopicWithKeyFromLevel() {
        Mqtt5BlockingClient sub = v5("rule-sub");
        List<String> got = new CopyOnWriteArrayList<>();
        sub.toAsync()
                .subscribeWith()
                .topicFilter("factory/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> got.add(p.getTopic() + "=" + str(p.getPayloadAsBytes())))
                .send()
                .join();
        Mqtt5BlockingClient pub = v5("rule-pub");
        pub.publishWith()
                .topic("factory/dev7/telemetry/temp")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload("7".getBytes())
                .send();
        ConsumerRecord<byte[], byte[]> r = broker.kafka().readAll(telemetry).stream()
                .filter(x -> "7".equals(str(x.value())))
                .findFirst()
                .orElseThrow();
        assertThat(str(r.key())).isEqualTo("dev7");
        assertThat(header(r, "mqtt.topic")).isEqualTo("factory/dev7/telemetry/temp");
        assertThat(broker.kafka().readAll(messages)).noneMatch(x -> str(x.key()).startsWith("factory/"));
        await().atMost(Duration.ofSeconds(15)).until(() -> got.contains("factory/dev7/telemetry/temp=7"));
        pub.disconnect();
        sub.disconnect();
    }

    @Test
    void plainKafkaRecordsReachMqttSubscribers() throws Exception {
        Mqtt5BlockingClient sub = v5("plain-sub");
        List<Mqtt5Publish> got = new CopyOnWriteArrayList<>();
        sub.toAsync()
                .subscribeWith()
                .topicFilter("plain/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(got::add)
                .send()
                .join();
        sub.toAsync()
                .subscribeWith()
                .topicFilter("factory/+/telemetry")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(got::add)
                .send()
                .join();
        try (KafkaProducer<byte[], byte[]> producer = broker.kafka().producer()) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(new RecordHeader("trace-id", "abc".getBytes()));
            producer.send(new ProducerRecord<>(
                            messages, null, "plain/device/1".getBytes(), "from-kafka".getBytes(), headers))
                    .get();
            // A mapped topic: the rule names the MQTT topic of a bare key.
            producer.send(new ProducerRecord<>(telemetry, "dev9".getBytes(), "9".getBytes()))
                    .get();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> got.size() == 2);
        Mqtt5Publish plain = got.stream()
                .filter(p -> p.getTopic().toString().equals("plain/device/1"))
                .findFirst()
                .orElseThrow();
        assertThat(str(plain.getPayloadAsBytes())).isEqualTo("from-kafka");
        assertThat(plain.getQos()).as("plain records default to QoS 1").isEqualTo(MqttQos.AT_LEAST_ONCE);
        assertThat(plain.getUserProperties().asList())
                .anyMatch(u -> u.getName().toString().equals("trace-id")
                        && u.getValue().toString().equals("abc"));
        assertThat(got)
                .anyMatch(p -> p.getTopic().toString().equals("factory/dev9/telemetry")
                        && str(p.getPayloadAsBytes()).equals("9"));
        sub.disconnect();
    }

    @Test
    void internalTopicsAreCreatedCompacted() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            for (String key : List.of(
                    BrokerConfig.RETAINED_TOPIC_CONFIG,
                    BrokerConfig.SESSIONS_TOPIC_CONFIG,
                    io.tributary.mqtt.config.SysSettings.STATS_TOPIC_CONFIG)) {
                String topic = broker.settings().get(key).toString();
                ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                var config = admin.describeConfigs(List.of(res)).all().get().get(res);
                assertThat(config.get("cleanup.policy").value()).as(topic).isEqualTo("compact");
            }
            var desc = admin.describeTopics(List.of(messages))
                    .allTopicNames()
                    .get()
                    .get(messages);
            assertThat(desc.partitions()).hasSize(3);
            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, messages);
            assertThat(admin.describeConfigs(List.of(res))
                            .all()
                            .get()
                            .get(res)
                            .get("cleanup.policy")
                            .value())
                    .isEqualTo("delete");
        }
    }

    @Test
    void retainedTopicWithDeletePolicyIsRefusedByName() throws Exception {
        Map<String, Object> bad = TestBroker.isolatedSettings();
        String retained = bad.get(BrokerConfig.RETAINED_TOPIC_CONFIG).toString();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(retained, Optional.of(1), Optional.empty())
                            .configs(Map.of("cleanup.policy", "delete"))))
                    .all()
                    .get();
        }
        assertThatThrownBy(() -> TestBroker.start(broker.kafka(), bad))
                .isInstanceOf(TopicSetupException.class)
                .hasMessageContaining(retained)
                .hasMessageContaining("cleanup.policy=compact");
    }

    @Test
    void topicTheClusterRefusesIsNamedWithTheReason() {
        Map<String, Object> bad =
                TestBroker.with(TestBroker.isolatedSettings(), BrokerConfig.REPLICATION_FACTOR_CONFIG, 3);
        // The first topic a node sets up is the cluster metadata topic.
        String topic = bad.get(BrokerConfig.PLACEMENT_TOPIC_CONFIG).toString();
        assertThatThrownBy(() -> TestBroker.start(broker.kafka(), bad))
                .isInstanceOf(TopicSetupException.class)
                .hasMessageContaining("cannot create placement topic " + topic)
                .hasMessageContaining("replication factor of 3 cannot be reached");
    }
}
