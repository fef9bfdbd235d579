/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.testing.BrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One broker of a three-broker Kafka cluster stops and comes back while clients publish at QoS 1: every
 * PUBACKed message is in Kafka and reaches the subscriber, and the node recovers without a restart.
 */
class KafkaBrokerFailoverIT {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withSettings(
                    Map.of(BrokerConfig.REPLICATION_FACTOR_CONFIG, 3))
            .onKafkaBrokers(3);

    @Test
    void noAcknowledgedMessageIsLostWhenAKafkaBrokerStopsAndComesBack() throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        Mqtt5AsyncClient subscriber = MqttClient.builder()
                .useMqttVersion5()
                .identifier("failover-sub")
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildAsync();
        subscriber
                .connectWith()
                .cleanStart(true)
                .sessionExpiryInterval(300)
                .send()
                .join();
        subscriber
                .subscribeWith()
                .topicFilter("failover/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> received.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
                .send()
                .join();

        Mqtt5AsyncClient publisher = MqttClient.builder()
                .useMqttVersion5()
                .identifier("failover-pub")
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildAsync();
        publisher.connectWith().cleanStart(true).send().join();

        Set<String> acked = ConcurrentHashMap.newKeySet();
        AtomicBoolean publishing = new AtomicBoolean(true);
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            int i = 0;
            while (publishing.get()) {
                String payload = "m" + i++;
                // QoS 1 with a window of one: the next message is sent when the PUBACK of this one is in.
                try {
                    publisher
                            .publishWith()
                            .topic("failover/" + (i % 7))
                            .qos(MqttQos.AT_LEAST_ONCE)
                            .payload(payload.getBytes(StandardCharsets.UTF_8))
                            .send()
                            .get(60, java.util.concurrent.TimeUnit.SECONDS);
                    acked.add(payload);
                } catch (Exception e) {
                    throw new IllegalStateException("publish of " + payload + " failed", e);
                }
            }
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= 200);
        broker.kafka().stopBroker(1);
        int atStop = acked.size();
        await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= atStop + 300);
        broker.kafka().startBroker(1);
        int atStart = acked.size();
        await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= atStart + 300);
        publishing.set(false);
        load.get(60, java.util.concurrent.TimeUnit.SECONDS);

        Set<String> inKafka = new HashSet<>();
        List.copyOf(broker.kafka()
                        .readAll(broker.settings()
                                .get(BrokerConfig.MESSAGES_TOPIC_CONFIG)
                                .toString()))
                .forEach(r -> inKafka.add(new String(r.value(), StandardCharsets.UTF_8)));
        assertThat(inKafka).containsAll(acked);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(received).containsAll(acked));

        publisher.disconnect().join();
        subscriber.disconnect().join();
    }
}
