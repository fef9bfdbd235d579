/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.it.SubscriberPackets.Received;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A persistent session's SUBSCRIBE that cannot be stored in Kafka is refused, and then it really is not in force. */
class SubscribeDuringKafkaOutageIT {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withSettings(
            // One partition keeps the order between topics; a short delivery timeout refuses the SUBACK quickly.
            Map.of(BrokerConfig.MESSAGES_PARTITIONS_CONFIG, 1, BrokerConfig.DELIVERY_TIMEOUT_CONFIG, 2000));

    @Test
    void refusedSubscriptionDeliversNothing() throws Exception {
        try (RawMqttClient sub =
                SubscriberPackets.connect(broker.mqttPort(), MqttVersion.MQTT_3_1_1, "outage-sub", false, false)) {
            assertThat(SubscriberPackets.subscribe(sub, 1, MqttQoS.AT_LEAST_ONCE, "kept/t"))
                    .containsExactly(1);

            broker.kafka().stopBroker();
            List<Integer> codes;
            try {
                // The producer gives up after the delivery timeout, once it notices the broker is gone.
                codes = SubscriberPackets.subscribe(
                        sub,
                        2,
                        MqttProperties.NO_PROPERTIES,
                        MqttQoS.AT_LEAST_ONCE,
                        Duration.ofSeconds(20),
                        "refused/t");
            } finally {
                broker.kafka().startBroker();
            }
            assertThat(codes).as("the session could not be stored").containsExactly(0x80);

            // The node's producer finds the restarted broker on its own; wait until a publish goes through.
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                try (V3Client probe = V3Client.connect(broker.node(), "outage-probe")) {
                    probe.publish("probe/t", "probe", 1, false);
                }
                return true;
            });
            // The session's own writes recover as well (a commit that timed out once left the node's transactional
            // writer refusing every later session write): a new SUBSCRIBE of the persistent session is stored.
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> SubscriberPackets.subscribe(sub, 3, MqttQoS.AT_LEAST_ONCE, "after/t")
                            .equals(List.of(1)));

            try (V3Client pub = V3Client.connect(broker.node(), "outage-pub")) {
                pub.publish("refused/t", "must-not-arrive", 1, false);
                pub.publish("kept/t", "marker", 1, false);
            }
            List<Received> received = SubscriberPackets.receive(sub, 1);
            assertThat(received).extracting(Received::payload).containsExactly("marker");
        }
    }

    /** The mirror image: an MQTT 5 UNSUBSCRIBE that cannot be stored is refused (0x80) and delivery goes on. */
    @Test
    void refusedUnsubscribeKeepsTheSubscription() throws Exception {
        MqttProperties persistent = new MqttProperties();
        persistent.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL, 3600));
        try (RawMqttClient sub = SubscriberPackets.connect(
                broker.mqttPort(), MqttVersion.MQTT_5, "outage-unsub", false, persistent, false)) {
            assertThat(SubscriberPackets.subscribe(sub, 1, MqttQoS.AT_LEAST_ONCE, "still/t"))
                    .containsExactly(1);
            broker.kafka().stopBroker();
            List<Short> codes;
            try {
                sub.send(io.netty.handler.codec.mqtt.MqttMessageBuilders.unsubscribe()
                        .messageId(2)
                        .addTopicFilter("still/t")
                        .build());
                io.netty.handler.codec.mqtt.MqttMessage reply = sub.read(Duration.ofSeconds(20));
                assertThat(reply).isInstanceOf(io.netty.handler.codec.mqtt.MqttUnsubAckMessage.class);
                codes = ((io.netty.handler.codec.mqtt.MqttUnsubAckMessage) reply)
                        .payload()
                        .unsubscribeReasonCodes();
            } finally {
                broker.kafka().startBroker();
            }
            assertThat(codes).containsExactly((short) 0x80);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                try (V3Client pub = V3Client.connect(broker.node(), "outage-unsub-pub")) {
                    pub.publish("still/t", "still-subscribed", 1, false);
                }
                return true;
            });
            assertThat(SubscriberPackets.receive(sub, 1))
                    .extracting(Received::payload)
                    .contains("still-subscribed");
        }
    }
}
