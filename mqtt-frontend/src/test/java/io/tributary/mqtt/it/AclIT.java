/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.RawMqttClient;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.wire.ReasonCodes;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Access control end to end: ACL rules written through the admin HTTP API are enforced on PUBLISH (MQTT 5
 * PUBACK 0x87, MQTT 3.1.1 disconnect), SUBSCRIBE (SUBACK 0x87 / 0x80) and the will of a CONNECT (CONNACK 0x87 /
 * return code 5), and a rule written at runtime applies without a restart. Two nodes on one Kafka cluster, each
 * with its own cluster metadata: {@code secured} (auth.mode=required, acl.no.match=deny) and {@code open}
 * (anonymous clients, acl.no.match=deny).
 */
class AclIT {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration RULE_APPLIED = Duration.ofSeconds(10);
    static final AtomicInteger SEQ = new AtomicInteger();

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withSettings(Map.of(
            BrokerConfig.ADMIN_HTTP_PORT_CONFIG,
            "0",
            BrokerConfig.AUTH_MODE_CONFIG,
            "required",
            BrokerConfig.ACL_NO_MATCH_CONFIG,
            "deny"));

    static final Map<String, Object> securedSettings = broker.settings();
    static BrokerNode secured;
    static BrokerNode open;

    @BeforeAll
    static void start() throws Exception {
        secured = broker.node();
        open = broker.startNode(TestBroker.with(
                TestBroker.with(TestBroker.isolatedSettings(), BrokerConfig.ADMIN_HTTP_PORT_CONFIG, "0"),
                BrokerConfig.ACL_NO_MATCH_CONFIG,
                "deny"));
        put(secured, "/v1/users/alice", "{\"password\":\"alice-pw\"}");
        putAcl(secured, "alice-sensors", "alice", "all", "sensors/alice/#", "allow");
        // Rules reach the node's authorizer asynchronously: wait until alice may publish under her tree.
        await().atMost(RULE_APPLIED).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (RawMqttClient alice = alice(MqttVersion.MQTT_5, "alice-probe")) {
                return publish(alice, "sensors/alice/probe", 1, 1) == ReasonCodes.SUCCESS;
            } catch (AssertionError e) {
                return false; // the user is not there yet: CONNACK refused
            }
        });
    }

    static void put(BrokerNode node, String path, String json) throws Exception {
        HttpResponse<String> r = HTTP.send(
                TestBroker.adminRequest(node, path)
                        .PUT(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    static void putAcl(BrokerNode node, String name, String principal, String action, String filter, String permission)
            throws Exception {
        put(
                node,
                "/v1/acls/" + name,
                "{\"principal\":\"" + principal + "\",\"action\":\"" + action + "\",\"filter\":\"" + filter
                        + "\",\"permission\":\"" + permission + "\"}");
    }

    static MqttMessageBuilders.ConnectBuilder aliceConnect(MqttVersion version, String clientId) {
        return RawPackets.connect(version, clientId, true, 60)
                .username("alice")
                .password("alice-pw".getBytes(StandardCharsets.UTF_8));
    }

    static RawMqttClient alice(MqttVersion version, String clientId) throws IOException {
        return RawPackets.connected(secured.mqttPort(), version, aliceConnect(version, clientId));
    }

    /** Sends a QoS 1 PUBLISH and returns the PUBACK's reason code. */
    static byte publish(RawMqttClient client, String topic, int packetId, int qos) throws IOException {
        client.send(RawPackets.publish(topic, "payload-" + packetId, qos, packetId));
        MqttMessage ack = client.read(RawPackets.READ_TIMEOUT);
        assertThat(ack).as("PUBACK").isNotNull();
        try {
            assertThat(ack.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBACK);
            return ack.variableHeader() instanceof MqttPubReplyMessageVariableHeader h
                    ? h.reasonCode()
                    : ReasonCodes.SUCCESS;
        } finally {
            ReferenceCountUtil.release(ack);
        }
    }

    static List<String> keysInKafka(BrokerNode node, Map<String, Object> settings) {
        return broker.kafka().readAll((String) settings.get(BrokerConfig.MESSAGES_TOPIC_CONFIG)).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void mqtt5PublishOutsideTheAllowedTreeGetsPubAckNotAuthorizedAndIsNotWritten() throws Exception {
        long denials = secured.metrics().getAclDenials();
        try (RawMqttClient alice = alice(MqttVersion.MQTT_5, "alice-pub5")) {
            assertThat(publish(alice, "sensors/alice/temp", 1, 1)).isEqualTo(ReasonCodes.SUCCESS);
            assertThat(publish(alice, "sensors/bob/x", 2, 1)).isEqualTo(ReasonCodes.NOT_AUTHORIZED);
            // The connection stays: MQTT 5 refuses in the PUBACK (section 3.4.2.1).
            assertThat(publish(alice, "sensors/alice/after", 3, 1)).isEqualTo(ReasonCodes.SUCCESS);
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> keysInKafka(secured, securedSettings).contains("sensors/alice/after"));
        assertThat(keysInKafka(secured, securedSettings))
                .contains("sensors/alice/temp")
                .doesNotContain("sensors/bob/x");
        assertThat(secured.metrics().getAclDenials()).isEqualTo(denials + 1);
    }

    @Test
    void mqtt5QoS0PublishOutsideTheAllowedTreeIsDisconnectedWithNotAuthorized() throws Exception {
        // QoS 0 has no acknowledgement to refuse in: DISCONNECT 0x87.
        try (RawMqttClient alice = alice(MqttVersion.MQTT_5, "alice-pub5-qos0")) {
            alice.send(RawPackets.publish("sensors/bob/x", "qos0", 0, 0));
            assertThat(RawPackets.disconnectReason(alice)).isEqualTo(ReasonCodes.NOT_AUTHORIZED);
            assertThat(alice.awaitClosed(RawPackets.READ_TIMEOUT)).isTrue();
        }
    }

    @Test
    void mqtt311PublishOutsideTheAllowedTreeIsDisconnected() throws Exception {
        // MQTT 3.1.1 has no negative PUBACK; closing the connection is allowed [MQTT-3.3.5-2].
        try (RawMqttClient alice = alice(MqttVersion.MQTT_3_1_1, "alice-pub3")) {
            alice.send(RawPackets.publish("sensors/bob/x", "v3", 1, 1));
            assertThat(alice.awaitClosed(RawPackets.READ_TIMEOUT)).isTrue();
        }
        assertThat(keysInKafka(secured, securedSettings)).doesNotContain("sensors/bob/x");
    }

    @Test
    void subscribeGetsASubAckFailureForEachFilterTheRulesDoNotAllow() throws Exception {
        try (RawMqttClient alice = alice(MqttVersion.MQTT_5, "alice-sub5")) {
            // sensors/# reaches beyond alice's tree; a shared subscription is judged by its inner filter.
            assertThat(SubscriberPackets.subscribe(
                            alice,
                            1,
                            MqttQoS.AT_LEAST_ONCE,
                            "sensors/alice/#",
                            "sensors/bob/#",
                            "sensors/#",
                            "$share/g/sensors/bob/#",
                            "sensors/alice/+/temp"))
                    .containsExactly(1, 0x87, 0x87, 0x87, 1);
        }
        try (RawMqttClient alice = alice(MqttVersion.MQTT_3_1_1, "alice-sub3")) {
            assertThat(SubscriberPackets.subscribe(alice, 1, MqttQoS.AT_LEAST_ONCE, "sensors/alice/x", "sensors/bob/#"))
                    .containsExactly(1, 0x80);
        }
    }

    @Test
    void aDenyRuleWrittenAtRuntimeStopsPublishesWithoutARestart() throws Exception {
        try (RawMqttClient alice = alice(MqttVersion.MQTT_5, "alice-runtime")) {
            assertThat(publish(alice, "sensors/alice/secret/a", 1, 1)).isEqualTo(ReasonCodes.SUCCESS);
            putAcl(secured, "alice-no-secrets", "alice", "publish", "sensors/alice/secret/#", "deny");
            AtomicInteger packetId = new AtomicInteger(1);
            // DENY wins over alice's ALLOW on sensors/alice/#, on the open connection, once the node applied it.
            await().atMost(RULE_APPLIED)
                    .until(() -> publish(alice, "sensors/alice/secret/a", packetId.incrementAndGet(), 1)
                            == ReasonCodes.NOT_AUTHORIZED);
            assertThat(publish(alice, "sensors/alice/open", packetId.incrementAndGet(), 1))
                    .isEqualTo(ReasonCodes.SUCCESS);
            // A publish-only rule: subscribing there is still allowed.
            assertThat(SubscriberPackets.subscribe(
                            alice, packetId.incrementAndGet(), MqttQoS.AT_LEAST_ONCE, "sensors/alice/secret/#"))
                    .containsExactly(1);
        }
    }

    @Test
    void aWillTheClientMayNotPublishRefusesTheConnect() throws Exception {
        // MQTT 5: CONNACK 0x87 Not authorized, then the connection is closed [MQTT-3.2.2-5].
        try (RawMqttClient c = new RawMqttClient(secured.mqttPort(), MqttVersion.MQTT_5)) {
            c.send(aliceConnect(MqttVersion.MQTT_5, "alice-will5")
                    .willFlag(true)
                    .willTopic("sensors/bob/will")
                    .willMessage("gone".getBytes(StandardCharsets.UTF_8))
                    .willQoS(MqttQoS.AT_LEAST_ONCE)
                    .willProperties(MqttProperties.NO_PROPERTIES)
                    .build());
            MqttConnAckMessage ack = RawPackets.connAck(c);
            assertThat(ack.variableHeader().connectReturnCode().byteValue()).isEqualTo(ReasonCodes.NOT_AUTHORIZED);
            assertThat(c.awaitClosed(RawPackets.READ_TIMEOUT)).isTrue();
        }
        // MQTT 3.1.1: return code 5, not authorized.
        try (RawMqttClient c = new RawMqttClient(secured.mqttPort(), MqttVersion.MQTT_3_1_1)) {
            c.send(aliceConnect(MqttVersion.MQTT_3_1_1, "alice-will3")
                    .willFlag(true)
                    .willTopic("sensors/bob/will")
                    .willMessage("gone".getBytes(StandardCharsets.UTF_8))
                    .willQoS(MqttQoS.AT_MOST_ONCE)
                    .build());
            assertThat(RawPackets.connAck(c)
                            .variableHeader()
                            .connectReturnCode()
                            .byteValue())
                    .isEqualTo((byte) 5);
            assertThat(c.awaitClosed(RawPackets.READ_TIMEOUT)).isTrue();
        }
        // A will inside alice's tree is fine.
        RawPackets.connected(
                        secured.mqttPort(),
                        MqttVersion.MQTT_5,
                        aliceConnect(MqttVersion.MQTT_5, "alice-will-ok")
                                .willFlag(true)
                                .willTopic("sensors/alice/will")
                                .willMessage("gone".getBytes(StandardCharsets.UTF_8))
                                .willQoS(MqttQoS.AT_LEAST_ONCE)
                                .willProperties(MqttProperties.NO_PROPERTIES))
                .close();
    }

    @Test
    void noMatchDenyBlocksAnAnonymousClientUntilARuleForEveryoneAllowsIt() throws Exception {
        String tree = "public" + SEQ.incrementAndGet();
        try (RawMqttClient anon = RawPackets.connected(open.mqttPort(), MqttVersion.MQTT_5, "anonymous-1")) {
            assertThat(publish(anon, tree + "/x", 1, 1)).isEqualTo(ReasonCodes.NOT_AUTHORIZED);
            assertThat(SubscriberPackets.subscribe(anon, 2, MqttQoS.AT_LEAST_ONCE, tree + "/#"))
                    .containsExactly(0x87);
            putAcl(open, "everyone-" + tree, "*", "all", tree + "/#", "allow"); // '*' includes anonymous clients
            AtomicInteger packetId = new AtomicInteger(2);
            await().atMost(RULE_APPLIED)
                    .until(() -> publish(anon, tree + "/x", packetId.incrementAndGet(), 1) == ReasonCodes.SUCCESS);
            assertThat(publish(anon, "elsewhere/x", packetId.incrementAndGet(), 1))
                    .isEqualTo(ReasonCodes.NOT_AUTHORIZED);
            assertThat(SubscriberPackets.subscribe(
                            anon, packetId.incrementAndGet(), MqttQoS.AT_LEAST_ONCE, tree + "/#"))
                    .containsExactly(1);
        }
    }
}
