/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.it.RawPackets.READ_TIMEOUT;
import static io.tributary.mqtt.it.RawPackets.connect;
import static io.tributary.mqtt.it.RawPackets.connected;
import static io.tributary.mqtt.it.RawPackets.disconnectReason;
import static io.tributary.mqtt.it.RawPackets.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.wire.ReasonCodes;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node's configured limits, each reached by a client: the answer the specification names, a counter in
 * {@link BrokerMetrics}, and the node carries on. One Kafka for the class; one node with tight limits, one
 * with a tight connect rate (every test connects from 127.0.0.1, so the rate has a node of its own). The
 * connect timeout, Maximum Packet Size and both Receive Maximum windows are scenarios
 * (protocol.scenario.ConnectScenariosTest, LimitsScenariosTest).
 */
class LimitsIT {

    private static final int MAX_CONNECTIONS = 3;
    private static final int MAX_TOPIC_LEVELS = 4;
    private static final int MAX_TOPIC_LENGTH = 64;
    private static final int MAX_SUBSCRIPTIONS = 3;
    private static final AtomicInteger IDS = new AtomicInteger();

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.kafkaOnly();

    static BrokerNode tight;
    static BrokerNode rateLimited;

    @BeforeAll
    static void start() {
        Map<String, Object> s = TestBroker.isolatedSettings();
        s = TestBroker.with(s, BrokerConfig.MAX_CONNECTIONS_CONFIG, MAX_CONNECTIONS);
        s = TestBroker.with(s, BrokerConfig.MAX_TOPIC_LEVELS_CONFIG, MAX_TOPIC_LEVELS);
        s = TestBroker.with(s, BrokerConfig.MAX_TOPIC_LENGTH_CONFIG, MAX_TOPIC_LENGTH);
        s = TestBroker.with(s, BrokerConfig.MAX_SUBSCRIPTIONS_CONFIG, MAX_SUBSCRIPTIONS);
        tight = broker.startNode(s);
        Map<String, Object> r = TestBroker.isolatedSettings();
        r = TestBroker.with(r, BrokerConfig.CONNECT_RATE_CONFIG, 0.01); // no refill within the test
        r = TestBroker.with(r, BrokerConfig.CONNECT_BURST_CONFIG, 2);
        rateLimited = broker.startNode(r);
    }

    @BeforeEach
    void previousTestsConnectionsAreGone() {
        // Connections of an earlier test count against mqtt.max.connections until the node has seen them close.
        await().atMost(Duration.ofSeconds(10)).until(() -> tight.metrics().getOpenConnections() == 0);
    }

    // ---- connections ---------------------------------------------------------------------------------------

    @Test
    void connectionBeyondMaxConnectionsIsRefusedWithQuotaExceededOrServerUnavailable() throws Exception {
        BrokerMetrics m = tight.metrics();
        long refusedBefore = m.getConnectionsRefused();
        List<RawMqttClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                open.add(connected(tight.mqttPort(), MqttVersion.MQTT_3_1_1, "conn-" + IDS.incrementAndGet()));
            }
            // MQTT 5: CONNACK 0x97 Quota exceeded (an administrative limit), then close [MQTT-3.2.2-5].
            assertRefused(tight, MqttVersion.MQTT_5, ReasonCodes.QUOTA_EXCEEDED);
            // MQTT 3.1.1: CONNACK 0x03 Server unavailable.
            assertRefused(tight, MqttVersion.MQTT_3_1_1, ReasonCodes.V3_SERVER_UNAVAILABLE);
            assertThat(m.getConnectionsRefused()).isEqualTo(refusedBefore + 2);

            open.remove(0).close();
            await().atMost(Duration.ofSeconds(10)).until(() -> m.getOpenConnections() == MAX_CONNECTIONS - 1);
            open.add(connected(tight.mqttPort(), MqttVersion.MQTT_5, "conn-" + IDS.incrementAndGet()));
        } finally {
            for (RawMqttClient c : open) {
                c.close();
            }
        }
    }

    @Test
    void connectsBeyondTheRatePerAddressAreRefusedWithConnectionRateExceeded() throws Exception {
        BrokerMetrics m = rateLimited.metrics();
        long before = m.getConnectsRateLimited();
        for (int i = 0; i < 2; i++) { // the burst
            connected(rateLimited.mqttPort(), MqttVersion.MQTT_5, "rate-" + IDS.incrementAndGet())
                    .close();
        }
        // MQTT 5: CONNACK 0x9F Connection rate exceeded; MQTT 3.1.1: 0x03 Server unavailable.
        assertRefused(rateLimited, MqttVersion.MQTT_5, ReasonCodes.CONNECTION_RATE_EXCEEDED);
        assertRefused(rateLimited, MqttVersion.MQTT_3_1_1, ReasonCodes.V3_SERVER_UNAVAILABLE);
        assertThat(m.getConnectsRateLimited()).isEqualTo(before + 2);
    }

    // ---- packets -------------------------------------------------------------------------------------------

    // ---- topics --------------------------------------------------------------------------------------------

    @Test
    void qos1PublishOverTheTopicLimitsGetsTopicNameInvalidAndTheConnectionStaysMqtt5() throws Exception {
        long before = tight.metrics().getTopicLimitRejections();
        try (RawMqttClient client = connected(tight.mqttPort(), MqttVersion.MQTT_5, "lvl-" + IDS.incrementAndGet())) {
            client.send(publish("l1/l2/l3/l4/l5", "deep", 1, 1));
            assertThat(pubAckReason(client, 1)).isEqualTo(ReasonCodes.TOPIC_NAME_INVALID);
            client.send(publish("x".repeat(MAX_TOPIC_LENGTH + 1), "long", 2, 2));
            assertThat(nextReply(client, MqttMessageType.PUBREC, 2)).isEqualTo(ReasonCodes.TOPIC_NAME_INVALID);
            client.send(publish("l1/l2/l3/l4", "fine", 1, 3));
            assertThat(pubAckReason(client, 3)).isEqualTo(ReasonCodes.SUCCESS);
        }
        assertThat(tight.metrics().getTopicLimitRejections()).isEqualTo(before + 2);
    }

    @Test
    void qos0PublishOverTheTopicLevelsIsDisconnectedWithTopicNameInvalidMqtt5() throws Exception {
        try (RawMqttClient client = connected(tight.mqttPort(), MqttVersion.MQTT_5, "lvl0-" + IDS.incrementAndGet())) {
            client.send(publish("l1/l2/l3/l4/l5", "deep", 0, 0));
            assertThat(disconnectReason(client)).isEqualTo(ReasonCodes.TOPIC_NAME_INVALID);
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
    }

    @Test
    void publishOverTheTopicLevelsClosesTheConnectionMqtt311() throws Exception {
        try (RawMqttClient client =
                connected(tight.mqttPort(), MqttVersion.MQTT_3_1_1, "lvl3-" + IDS.incrementAndGet())) {
            client.send(publish("l1/l2/l3/l4/l5", "deep", 1, 1));
            assertThat(client.read(READ_TIMEOUT))
                    .as("no PUBACK, only the close")
                    .isNull();
            assertThat(client.awaitClosed(READ_TIMEOUT)).isTrue();
        }
    }

    @Test
    void filterOverTheTopicLimitsGetsTopicFilterInvalidOrFailure() throws Exception {
        try (RawMqttClient v5 = connected(tight.mqttPort(), MqttVersion.MQTT_5, "flt5-" + IDS.incrementAndGet());
                RawMqttClient v3 =
                        connected(tight.mqttPort(), MqttVersion.MQTT_3_1_1, "flt3-" + IDS.incrementAndGet())) {
            assertThat(SubscriberPackets.subscribe(
                            v5, 1, MqttQoS.AT_LEAST_ONCE, "a/b/c/d/#", "+/+/+/+", "f".repeat(MAX_TOPIC_LENGTH + 1)))
                    .containsExactly(0x8F, 1, 0x8F);
            assertThat(SubscriberPackets.subscribe(v3, 1, MqttQoS.AT_LEAST_ONCE, "a/b/c/d/#", "+/+/+/+"))
                    .containsExactly(0x80, 1);
        }
    }

    @Test
    void subscriptionsBeyondThePerClientMaximumGetQuotaExceeded() throws Exception {
        long before = tight.metrics().getSubscriptionQuotaRejections();
        try (RawMqttClient v5 = connected(tight.mqttPort(), MqttVersion.MQTT_5, "quota5-" + IDS.incrementAndGet());
                RawMqttClient v3 =
                        connected(tight.mqttPort(), MqttVersion.MQTT_3_1_1, "quota3-" + IDS.incrementAndGet())) {
            assertThat(SubscriberPackets.subscribe(v5, 1, MqttQoS.AT_LEAST_ONCE, "q/1", "q/2", "q/3"))
                    .containsExactly(1, 1, 1);
            // Re-subscribing to a held filter replaces it and does not count; a new one is over the quota.
            assertThat(SubscriberPackets.subscribe(v5, 2, MqttQoS.AT_MOST_ONCE, "q/1", "q/4"))
                    .containsExactly(0, 0x97);
            assertThat(SubscriberPackets.subscribe(v3, 1, MqttQoS.AT_LEAST_ONCE, "q/1", "q/2", "q/3", "q/4"))
                    .containsExactly(1, 1, 1, 0x80);
        }
        assertThat(tight.metrics().getSubscriptionQuotaRejections()).isEqualTo(before + 2);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** Connects with {@code version} and expects a CONNACK with {@code code}, then the close. */
    private static void assertRefused(BrokerNode node, MqttVersion version, byte code) throws IOException {
        try (RawMqttClient client = new RawMqttClient(node.mqttPort(), version)) {
            client.send(connect(version, "refused-" + IDS.incrementAndGet(), true, 60)
                    .build());
            MqttConnAckMessage ack = RawPackets.connAck(client);
            assertThat(ack.variableHeader().connectReturnCode().byteValue()).isEqualTo(code);
            assertThat(client.awaitClosed(READ_TIMEOUT))
                    .as("closed after the refusal")
                    .isTrue();
        }
    }

    private static byte pubAckReason(RawMqttClient client, int packetId) throws IOException {
        return nextReply(client, MqttMessageType.PUBACK, packetId);
    }

    /** The reason code of the next PUBACK / PUBREC (0 when the broker left it out). */
    private static byte nextReply(RawMqttClient client, MqttMessageType type, int packetId) throws IOException {
        MqttMessage m = nextOfType(client, type);
        assertThat(m).as(type.toString()).isNotNull();
        Object header = m.variableHeader();
        if (header instanceof MqttPubReplyMessageVariableHeader reply) {
            assertThat(reply.messageId()).isEqualTo(packetId);
            return reply.reasonCode();
        }
        return ReasonCodes.SUCCESS;
    }

    /** Skips packets until one of {@code type} (returned, not to be released: it holds no buffer); null if none. */
    private static MqttMessage nextOfType(RawMqttClient client, MqttMessageType type) throws IOException {
        while (true) {
            MqttMessage m = client.read(READ_TIMEOUT);
            if (m == null || m.fixedHeader().messageType() == type) {
                return m;
            }
            ReferenceCountUtil.release(m);
        }
    }
}
