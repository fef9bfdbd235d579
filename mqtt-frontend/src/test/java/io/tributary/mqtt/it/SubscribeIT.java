/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.it.SubscriberPackets.nextPublish;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Subscribers and records that did not come from an MQTT client: what a wildcard subscriber gets of records
 * a Kafka producer wrote. SUBSCRIBE and UNSUBSCRIBE as the protocol defines them are scenarios
 * (protocol.scenario.SubscribeScenariosTest).
 */
class SubscribeIT {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withSettings(
            // One partition: the records are written to partition 0, in order, so the valid one written last is
            // received last and shows that nothing else is on its way.
            Map.of(BrokerConfig.MESSAGES_PARTITIONS_CONFIG, 1));

    static final String messagesTopic =
            broker.settings().get(BrokerConfig.MESSAGES_TOPIC_CONFIG).toString();

    @Test
    void kafkaRecordThatNamesNoValidTopicIsNotDeliveredToWildcardSubscribers() throws Exception {
        try (RawMqttClient sub =
                        SubscriberPackets.connect(broker.mqttPort(), MqttVersion.MQTT_5, "kafka-keys", true, false);
                KafkaProducer<byte[], byte[]> producer = broker.kafka().producer()) {
            SubscriberPackets.subscribe(sub, 1, MqttQoS.AT_MOST_ONCE, "kk/#");
            for (String key : List.of("kk/+/bad-key", "kk/#")) {
                producer.send(new ProducerRecord<>(
                                messagesTopic,
                                0,
                                key.getBytes(StandardCharsets.UTF_8),
                                key.getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
            // The MQTT topic may also come from the mqtt.topic header (key = a device id, say).
            ProducerRecord<byte[], byte[]> byHeader = new ProducerRecord<>(
                    messagesTopic,
                    0,
                    "device-1".getBytes(StandardCharsets.UTF_8),
                    "bad-header".getBytes(StandardCharsets.UTF_8));
            byHeader.headers().add("mqtt.topic", "kk/+/bad-header".getBytes(StandardCharsets.UTF_8));
            producer.send(byHeader).get();
            producer.send(new ProducerRecord<>(
                            messagesTopic,
                            0,
                            "kk/good".getBytes(StandardCharsets.UTF_8),
                            "good".getBytes(StandardCharsets.UTF_8)))
                    .get();

            // A byte-level client shows what a client library might refuse (or silently drop).
            assertThat(nextPublish(sub).topic())
                    .as("no PUBLISH with a wildcard in its topic [MQTT-3.3.2-2]")
                    .isEqualTo("kk/good");
        }
    }
}
