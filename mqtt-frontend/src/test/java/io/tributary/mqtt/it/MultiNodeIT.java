/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three broker nodes on one Kafka: a client may publish on any node and subscribe on any other, and retained
 * messages set or cleared on one node are seen by all of them.
 */
class MultiNodeIT {

    private static final Logger LOG = LoggerFactory.getLogger(MultiNodeIT.class);
    private static final AtomicInteger IDS = new AtomicInteger();

    @RegisterExtension
    static final BrokerExtension cluster = BrokerExtension.withNodes(3, Map.of());

    static BrokerNode node(int i) {
        return cluster.node(i);
    }

    static V5Client subscriber(BrokerNode node, String filter, int qos) {
        V5Client c = V5Client.connect(node, "sub-" + IDS.incrementAndGet());
        c.client.subscribeWith().topicFilter(filter).qos(MqttQos.fromCode(qos)).send();
        return c;
    }

    /** Published on node 0, received on nodes 1 ({@code +}) and 2 ({@code #}), in the publisher's order. */
    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {0, 1, 2})
    void publishOnOneNodeReachesSubscribersOnTheOthers(int qos) {
        String base = "multi/" + qos;
        try (V5Client plus = subscriber(node(1), base + "/+/temp", qos);
                V5Client hash = subscriber(node(2), base + "/#", qos);
                V5Client pub = V5Client.connect(node(0), "pub-" + IDS.incrementAndGet())) {
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String payload = "m" + i;
                pub.publish(base + "/room" + (i % 2) + "/temp", payload, qos, false);
                sent.add(payload);
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> plus.got.size() >= 20 && hash.got.size() >= 20);
            // Ordered per publisher [MQTT-4.6.0-5]: one MQTT topic per Kafka key, and one session per node
            // reading every partition, so order holds per topic; with one publisher over two topics we check
            // the order of each topic.
            for (V5Client sub : List.of(plus, hash)) {
                for (int room = 0; room < 2; room++) {
                    String topic = base + "/room" + room + "/temp";
                    List<String> expected = new ArrayList<>();
                    for (int i = room; i < 20; i += 2) {
                        expected.add(sent.get(i));
                    }
                    assertThat(sub.got.stream()
                                    .filter(g -> g.topic().equals(topic))
                                    .map(V5Client.Got::payload)
                                    .toList())
                            .containsExactlyElementsOf(expected);
                }
                assertThat(sub.got)
                        .hasSize(20)
                        .allSatisfy(g -> assertThat(g.qos()).isEqualTo(qos));
            }
        }
    }

    /** A single topic keeps the publisher's order across nodes, at QoS 1, under a burst [MQTT-4.6.0-5]. */
    @Test
    void orderOfOnePublisherIsKeptAcrossNodes() {
        try (V5Client sub = subscriber(node(2), "order/x", 1);
                V5Client pub = V5Client.connect(node(0), "pub-order")) {
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sent.add("o" + i);
                pub.client
                        .toAsync()
                        .publishWith()
                        .topic("order/x")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(("o" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .send();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> sub.got.size() >= 200);
            assertThat(sub.payloads()).containsExactlyElementsOf(sent);
        }
    }

    /** Retained payloads a new subscriber on {@code node} receives for {@code filter}, marked by a live message. */
    static List<String> retainedSeenOn(BrokerNode node, String filter, String markerTopic) {
        try (V5Client sub = subscriber(node, filter, 1)) {
            String marker = "marker-" + IDS.incrementAndGet();
            sub.publish(markerTopic, marker, 1, false);
            await().atMost(Duration.ofSeconds(10)).until(() -> sub.hasPayload(marker));
            return sub.got.stream()
                    .filter(V5Client.Got::retained)
                    .map(V5Client.Got::payload)
                    .toList();
        }
    }

    /** A retained message set on node 0 reaches a new subscriber on node 1; cleared on node 1, it is gone on all. */
    @Test
    void retainedMessageSetOnOneNodeIsSeenAndClearedEverywhere() {
        try (V5Client pub = V5Client.connect(node(0), "ret-pub")) {
            long t0 = System.nanoTime();
            pub.publish("ret/a", "kept", 1, true);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> retainedSeenOn(node(1), "ret/#", "ret/marker").contains("kept"));
            LOG.info(
                    "Retained message set on node 0 seen by a new subscriber on node 1 after {} ms",
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(retainedSeenOn(node(2), "ret/#", "ret/marker")).containsExactly("kept");
        }
        try (V5Client clearer = V5Client.connect(node(1), "ret-clear")) {
            clearer.publish("ret/a", "", 1, true); // empty retained payload clears it [MQTT-3.3.1-6]
        }
        for (int i = 0; i < 3; i++) {
            BrokerNode n = node(i);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> retainedSeenOn(n, "ret/#", "ret/marker").isEmpty());
        }
    }

    /**
     * Not an assertion on speed: logs end-to-end latency (PUBLISH sent to PUBLISH received) at a fixed rate, for
     * a subscriber on the publisher's node and on another node. Every node reads every record once.
     */
    @Test
    void logsLatencyAtAFixedRate() {
        int[] subscriberNodes = {0, 1, 0, 1}; // twice: the first round includes the JIT's warm-up
        for (int round = 0; round < subscriberNodes.length; round++) {
            int subNode = subscriberNodes[round];
            String topic = "latency/" + round;
            List<Long> latencies = new java.util.concurrent.CopyOnWriteArrayList<>();
            var sub = com.hivemq.client.mqtt.MqttClient.builder()
                    .useMqttVersion5()
                    .identifier("lat-sub-" + round)
                    .serverHost("127.0.0.1")
                    .serverPort(node(subNode).mqttPort())
                    .buildBlocking();
            try (V5Client pub = V5Client.connect(node(0), "lat-pub-" + round)) {
                sub.connect();
                sub.toAsync()
                        .subscribeWith()
                        .topicFilter(topic)
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .callback(p -> latencies.add(System.nanoTime()
                                - Long.parseLong(
                                        new String(p.getPayloadAsBytes(), java.nio.charset.StandardCharsets.UTF_8))))
                        .send()
                        .join();
                int count = 300;
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    long due = start + i * 10_000_000L; // 100 messages per second
                    await().pollInterval(Duration.ofMillis(1)).until(() -> System.nanoTime() >= due);
                    pub.client
                            .toAsync()
                            .publishWith()
                            .topic(topic)
                            .qos(MqttQos.AT_LEAST_ONCE)
                            .payload(Long.toString(System.nanoTime()).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                            .send();
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> latencies.size() >= count);
                List<Long> sorted = latencies.stream().sorted().toList();
                LOG.info(
                        "Latency (round {}), subscriber on {} node, QoS 1, 100 msg/s, {} messages: p50 {} ms, "
                                + "p99 {} ms",
                        round / 2 + 1,
                        subNode == 0 ? "the publisher's" : "another",
                        count,
                        sorted.get(count / 2) / 1_000_000,
                        sorted.get(count * 99 / 100) / 1_000_000);
                sub.disconnect();
            }
        }
    }
}
