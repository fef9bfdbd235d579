/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MQTT 5 topic aliases (section 3.3.2.3.4) with real client libraries: Paho's MQTT 5 client uses the aliases
 * the broker advertises, HiveMQ's client accepts the ones the broker assigns, and the Kafka records name the
 * real topics. The packets themselves and the protocol errors no real client sends are scenarios
 * (protocol.scenario.LimitsScenariosTest).
 */
class TopicAliasIT {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withDefaults();

    static final String messagesTopic =
            broker.settings().get(BrokerConfig.MESSAGES_TOPIC_CONFIG).toString();

    static MqttClient paho(BrokerNode node, String id, Integer topicAliasMaximum) throws Exception {
        MqttClient c = new MqttClient(TestBroker.uri(node), id, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setTopicAliasMaximum(topicAliasMaximum);
        IMqttToken token = c.connectWithResult(o);
        // Paho aliases its own PUBLISH packets whenever the CONNACK allows it (every use here is on the default 10).
        assertThat(token.getResponseProperties().getTopicAliasMaximum()).isEqualTo(10);
        return c;
    }

    @Test
    void clientsPublishAndReceiveThroughAliasesWithTheRightTopics() throws Exception {
        // The subscriber is HiveMQ's client: Paho 1.2.5 takes the empty topic name of an aliased PUBLISH as a new
        // binding to "" instead of looking the alias up, so it cannot receive aliased messages.
        List<String> got = new CopyOnWriteArrayList<>();
        Mqtt5BlockingClient sub = com.hivemq.client.mqtt.MqttClient.builder()
                .useMqttVersion5()
                .identifier("alias-sub")
                .serverHost("127.0.0.1")
                .serverPort(broker.mqttPort())
                .buildBlocking();
        sub.connectWith()
                .restrictions()
                .topicAliasMaximum(5)
                .applyRestrictions()
                .send();
        sub.toAsync()
                .subscribeWith()
                .topicFilter("paho/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> got.add(p.getTopic() + "=" + new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
                .send()
                .join();
        MqttClient pub = paho(broker.node(), "alias-pub", 0);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (String topic : List.of("paho/a", "paho/b/c")) {
                // Paho binds each topic to an alias on its first PUBLISH and sends only the alias afterwards.
                pub.publish(topic, (topic + "#" + i).getBytes(StandardCharsets.UTF_8), 1, false);
                expected.add(topic + "=" + topic + "#" + i);
            }
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> got.size() >= expected.size());
        // Different topics may travel through different Kafka partitions: the order holds per topic.
        assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(got.stream().filter(g -> g.startsWith("paho/a=")).toList())
                .containsExactly("paho/a=paho/a#0", "paho/a=paho/a#1", "paho/a=paho/a#2");
        // The Kafka records carry the real topic names as keys, whatever alias the publisher used.
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(broker.kafka().readAll(messagesTopic).stream()
                                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                                .filter(k -> k.startsWith("paho/"))
                                .toList())
                        .containsExactlyInAnyOrder("paho/a", "paho/b/c", "paho/a", "paho/b/c", "paho/a", "paho/b/c"));
        pub.disconnect();
        sub.disconnect();
    }
}
