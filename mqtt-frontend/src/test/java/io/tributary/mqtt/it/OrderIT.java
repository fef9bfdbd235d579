/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.it.SubscriberPackets.Received;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import io.tributary.mqtt.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Message order on one topic, and what a subscriber that cannot keep up gets: every QoS 1 message once and
 * in order (its outbox overflows and the node re-reads Kafka), while QoS 0 messages are dropped and
 * counted rather than held in memory.
 */
class OrderIT {

    static final int SMALL_QUEUE = 10;

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    static BrokerNode smallQueueBroker;

    @BeforeAll
    static void start() {
        smallQueueBroker = broker.startNode(
                TestBroker.with(TestBroker.isolatedSettings(), BrokerConfig.SESSION_QUEUE_CONFIG, SMALL_QUEUE));
    }

    private static Mqtt5AsyncClient asyncPublisher(BrokerNode node, String clientId) {
        Mqtt5AsyncClient pub = MqttClient.builder()
                .useMqttVersion5()
                .identifier(clientId)
                .serverHost("127.0.0.1")
                .serverPort(node.mqttPort())
                .buildAsync();
        pub.connect().join();
        return pub;
    }

    /** Publishes "0".."count-1" without waiting between messages; returns once every one is acknowledged. */
    private static List<String> publishAll(Mqtt5AsyncClient pub, String topic, int count, MqttQos qos, int padding) {
        List<String> sent = new ArrayList<>();
        List<CompletableFuture<?>> acks = new ArrayList<>();
        String pad = "x".repeat(padding);
        for (int i = 0; i < count; i++) {
            sent.add(Integer.toString(i));
            acks.add(pub.publishWith()
                    .topic(topic)
                    .qos(qos)
                    .payload((i + (padding > 0 ? ":" + pad : "")).getBytes(StandardCharsets.UTF_8))
                    .send());
        }
        CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).join();
        return sent;
    }

    @Test
    void twoThousandQos1MessagesArriveInPublishOrder() {
        try (V5Client sub = V5Client.connect(broker.node(), "order-sub")) {
            sub.client
                    .subscribeWith()
                    .topicFilter("order/t")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            Mqtt5AsyncClient pub = asyncPublisher(broker.node(), "order-pub");
            List<String> sent = publishAll(pub, "order/t", 2000, MqttQos.AT_LEAST_ONCE, 0);
            pub.disconnect().join();

            await().atMost(Duration.ofSeconds(30)).until(() -> sub.got.size() >= sent.size());
            assertThat(sub.payloads()).containsExactlyElementsOf(sent);
            assertThat(sub.got).extracting(V5Client.Got::qos).containsOnly(1);
        }
    }

    @Test
    void slowQos1SubscriberGetsEveryMessageOnceAndInOrderThroughTheOverflowPath() throws Exception {
        try (RawMqttClient sub = SubscriberPackets.connect(
                smallQueueBroker.mqttPort(), MqttVersion.MQTT_3_1_1, "slow-sub", true, false)) {
            SubscriberPackets.subscribe(sub, 1, MqttQoS.AT_LEAST_ONCE, "slow/t");
            long catchUpsBefore = smallQueueBroker.metrics().getCatchUps();

            // The subscriber reads nothing (and so acknowledges nothing) while 500 messages are published.
            Mqtt5AsyncClient pub = asyncPublisher(smallQueueBroker, "slow-pub");
            List<String> sent = publishAll(pub, "slow/t", 500, MqttQos.AT_LEAST_ONCE, 0);
            pub.disconnect().join();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> smallQueueBroker.metrics().getCatchUps() > catchUpsBefore);

            List<Received> received = SubscriberPackets.receive(sub, sent.size());
            assertThat(received).extracting(Received::payload).containsExactlyElementsOf(sent);
            assertThat(received).extracting(Received::qos).containsOnly(1);
            assertThat(SubscriberPackets.next(sub, Duration.ofSeconds(1)))
                    .as("no copy beyond the 500")
                    .isNull();
        }
    }

    @Test
    void qos0FloodToASubscriberThatDoesNotReadIsDroppedAndCounted() throws Exception {
        int count = 20_000;
        int payloadBytes = 1024;
        try (RawMqttClient sub = SubscriberPackets.connect(
                smallQueueBroker.mqttPort(), MqttVersion.MQTT_3_1_1, "flood-sub", true, false)) {
            SubscriberPackets.subscribe(sub, 1, MqttQoS.AT_MOST_ONCE, "flood/t");
            long droppedBefore = smallQueueBroker.metrics().getQos0Dropped();

            Mqtt5AsyncClient pub = asyncPublisher(smallQueueBroker, "flood-pub");
            publishAll(pub, "flood/t", count, MqttQos.AT_MOST_ONCE, payloadBytes);
            pub.disconnect().join();

            // Whatever was not dropped sits in the outbox (at most its capacity) or in socket and channel
            // buffers (bounded by their sizes, generously 8 MiB here): memory does not grow with the flood.
            long socketSlack = 8L * 1024 * 1024 / payloadBytes;
            long mustDrop = count - SMALL_QUEUE - socketSlack;
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> smallQueueBroker.metrics().getQos0Dropped() - droppedBefore >= mustDrop);
            assertThat(smallQueueBroker.metrics().getQos0Dropped() - droppedBefore)
                    .isLessThanOrEqualTo(count);
        }
    }

    @Test
    void publishOrderIsKeptPerTopicAcrossPartitions() {
        List<String> topics = IntStream.range(0, 6).mapToObj(i -> "multi/" + i).toList();
        try (V5Client sub = V5Client.connect(broker.node(), "multi-sub")) {
            sub.client
                    .subscribeWith()
                    .topicFilter("multi/+")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            Mqtt5AsyncClient pub = asyncPublisher(broker.node(), "multi-pub");
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String topic = topics.get(i % topics.size());
                acks.add(pub.publishWith()
                        .topic(topic)
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(Integer.toString(i).getBytes(StandardCharsets.UTF_8))
                        .send());
            }
            CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).join();
            pub.disconnect().join();

            await().atMost(Duration.ofSeconds(30)).until(() -> sub.got.size() >= 300);
            for (String topic : topics) {
                List<Integer> perTopic = sub.got.stream()
                        .filter(g -> g.topic().equals(topic))
                        .map(g -> Integer.parseInt(g.payload()))
                        .toList();
                assertThat(perTopic).hasSize(50).isSorted();
            }
        }
    }
}
