/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.testing.BrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retained messages: what a new subscriber gets, with which flags, and that they live in the compacted
 * retained topic and so survive a node restart. A live message published after the SUBACK is the marker
 * that retained messages (queued right behind the SUBACK) have all arrived.
 */
class RetainedIT {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    private static String retainedTopic() {
        return broker.settings().get(BrokerConfig.RETAINED_TOPIC_CONFIG).toString();
    }

    /** What a fresh 3.1.1 subscriber to {@code filter} receives before a live marker on {@code markerTopic}. */
    private static List<V3Client.Got> retainedOnSubscribe(String clientId, String filter, String markerTopic)
            throws Exception {
        try (V3Client sub = V3Client.connect(broker.node(), clientId).subscribe(filter, 2);
                V3Client pub = V3Client.connect(broker.node(), clientId + "-marker")) {
            pub.publish(markerTopic, "marker", 1, false);
            await().atMost(Duration.ofSeconds(15)).until(() -> sub.hasPayload("marker"));
            return sub.got.stream().filter(g -> !g.payload().equals("marker")).toList();
        }
    }

    @Test
    void retainedMessageIsSetReplacedAndClearedByAnEmptyPayload() throws Exception {
        publishSettled("r1/a", "one", 1);
        assertThat(retainedOnSubscribe("set-1", "r1/#", "r1/live"))
                .extracting(V3Client.Got::toString)
                .containsExactly("r1/a=one@1 retained");

        publishSettled("r1/a", "two", 1);
        assertThat(retainedOnSubscribe("set-2", "r1/#", "r1/live"))
                .extracting(V3Client.Got::toString)
                .containsExactly("r1/a=two@1 retained");

        publishSettled("r1/a", "", 1);
        assertThat(retainedOnSubscribe("set-3", "r1/#", "r1/live")).isEmpty();
    }

    @Test
    void retainedMessageIsSentOnSubscribeWithTheRetainFlagButLiveDeliveryHasItClearedInMqtt3() throws Exception {
        try (V3Client early = V3Client.connect(broker.node(), "flag-early").subscribe("r2/a", 1);
                V3Client pub = V3Client.connect(broker.node(), "flag-pub")) {
            pub.publish("r2/a", "state", 1, true);
            await().atMost(Duration.ofSeconds(15)).until(() -> early.hasPayload("state"));
            // [MQTT-3.3.1-9]: a message sent to an existing subscription is not marked retained.
            assertThat(early.got).extracting(V3Client.Got::toString).containsExactly("r2/a=state@1");
        }
        assertThat(retainedOnSubscribe("flag-late", "r2/a", "r2/a"))
                .extracting(V3Client.Got::toString)
                .containsExactly("r2/a=state@1 retained");
    }

    @Test
    void retainedMessageIsSentAtTheLowerOfItsQosAndTheGrantedQos() throws Exception {
        publishSettled("r3/high", "two", 2);
        publishSettled("r3/low", "zero", 0);
        try (V3Client sub = V3Client.connect(broker.node(), "qos-sub").subscribe("r3/+", 1)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> sub.got.size() == 2);
            assertThat(sub.got)
                    .extracting(V3Client.Got::toString)
                    .containsExactlyInAnyOrder("r3/high=two@1 retained", "r3/low=zero@0 retained");
        }
    }

    @Test
    void retainHandlingOneSendsOnlyForANewSubscriptionAndTwoNever() throws Exception {
        try (V5Client pub = V5Client.connect(broker.node(), "rh-pub");
                V5Client sub = V5Client.connect(broker.node(), "rh-sub")) {
            publishSettled("r4/a", "state", 1);

            sub.client
                    .subscribeWith()
                    .topicFilter("r4/+")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .retainHandling(Mqtt5RetainHandling.DO_NOT_SEND)
                    .send();
            pub.publish("r4/live", "marker-1", 1, false);
            await().atMost(Duration.ofSeconds(15)).until(() -> sub.hasPayload("marker-1"));
            assertThat(sub.payloads()).as("retain handling 2").containsExactly("marker-1");

            sub.client
                    .subscribeWith()
                    .topicFilter("r4/#")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST)
                    .send();
            await().atMost(Duration.ofSeconds(15)).until(() -> sub.hasPayload("state"));
            assertThat(sub.got.get(sub.got.size() - 1).retained()).isTrue();

            sub.client
                    .subscribeWith()
                    .topicFilter("r4/#")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST)
                    .send();
            pub.publish("r4/live", "marker-2", 1, false);
            await().atMost(Duration.ofSeconds(15)).until(() -> sub.hasPayload("marker-2"));
            assertThat(sub.payloads())
                    .as("retain handling 1 on an existing subscription sends nothing")
                    .containsExactly("marker-1", "state", "marker-2");
        }
    }

    @Test
    void retainedMessagesAreStoredInTheCompactedRetainedTopic() throws Exception {
        try (V3Client pub = V3Client.connect(broker.node(), "kafka-pub")) {
            pub.publish("r5/kept", "value", 1, true);
            pub.publish("r5/cleared", "gone-soon", 1, true);
            pub.publish("r5/cleared", "", 1, true);
        }
        List<ConsumerRecord<byte[], byte[]>> records = broker.kafka().readAll(retainedTopic());
        assertThat(latestValue(records, "r5/kept")).isEqualTo("value");
        assertThat(records)
                .filteredOn(r -> key(r).equals("r5/cleared"))
                .last()
                .satisfies(r -> assertThat(r.value()).as("tombstone").isNull());
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, retainedTopic());
            var config = admin.describeConfigs(Set.of(resource)).all().get().get(resource);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).contains("compact");
        }
    }

    @Test
    void retainedMessagesSurviveABrokerNodeRestart() throws Exception {
        publishSettled("r6/a", "durable", 1);
        broker.restart();
        assertThat(retainedOnSubscribe("restart-sub", "r6/#", "r6/live"))
                .extracting(V3Client.Got::toString)
                .containsExactly("r6/a=durable@1 retained");
    }

    @Test
    void retainedRecordWhoseKeyIsNoValidTopicNameIsNotSentToSubscribers() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = broker.kafka().producer()) {
            producer.send(new ProducerRecord<>(
                            retainedTopic(),
                            "r7/+".getBytes(StandardCharsets.UTF_8),
                            "wildcard".getBytes(StandardCharsets.UTF_8)))
                    .get();
            producer.send(new ProducerRecord<>(
                            retainedTopic(),
                            "r7/ok".getBytes(StandardCharsets.UTF_8),
                            "plain".getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
        broker.restart();

        assertThat(retainedOnSubscribe("foreign-sub", "r7/#", "r7/live"))
                .extracting(V3Client.Got::toString)
                .containsExactly("r7/ok=plain@0 retained");
    }

    /**
     * Publishes and waits until a watcher subscribed to the topic has the message: the node's shard reader
     * is then past it, so a later subscriber cannot also receive it live.
     */
    private static void publishSettled(String topic, String payload, int qos) throws Exception {
        try (V3Client watcher = V3Client.connect(broker.node(), "watcher").subscribe(topic, 1);
                V3Client pub = V3Client.connect(broker.node(), "watcher-pub")) {
            watcher.got.clear(); // a retained message sent on subscribe
            pub.publish(topic, payload, qos, true);
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> watcher.got.stream()
                            .anyMatch(g -> !g.retained() && g.payload().equals(payload)));
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8);
    }

    private static String latestValue(List<ConsumerRecord<byte[], byte[]>> records, String topic) {
        ConsumerRecord<byte[], byte[]> last = records.stream()
                .filter(r -> key(r).equals(topic))
                .reduce((a, b) -> b)
                .orElseThrow();
        return last.value() == null ? null : new String(last.value(), StandardCharsets.UTF_8);
    }
}
