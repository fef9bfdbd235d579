/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.tributary.mqtt.admin.AdminCommand;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.TestBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Security settings agree on every node of a cluster (docs/security.md): node A with auth.mode=required and node B
 * with auth.mode=none on one Kafka and one metadata topic must not both serve clients, or a client skips
 * authentication by connecting to B.
 */
class ClusterWideSettingsIT {

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.kafkaOnly();

    static Map<String, Object> node(Map<String, Object> cluster, String id, String... keyValues) {
        Map<String, Object> settings = TestBroker.with(cluster, BrokerConfig.NODE_ID_CONFIG, id);
        for (int i = 0; i < keyValues.length; i += 2) {
            settings = TestBroker.with(settings, keyValues[i], keyValues[i + 1]);
        }
        return settings;
    }

    static void connectAnonymously(BrokerNode node, String clientId) {
        Mqtt5BlockingClient c = MqttClient.builder()
                .useMqttVersion5()
                .identifier(clientId)
                .serverHost("127.0.0.1")
                .serverPort(node.mqttPort())
                .buildBlocking();
        c.connect();
        c.disconnect();
    }

    static int admin(Map<String, Object> cluster, String... args) {
        String[] full = new String[args.length + 4];
        full[0] = "--kafka-bootstrap";
        full[1] = broker.bootstrapServers();
        full[2] = "--placement-topic";
        full[3] = cluster.get(BrokerConfig.PLACEMENT_TOPIC_CONFIG).toString();
        System.arraycopy(args, 0, full, 4, args.length);
        StringWriter out = new StringWriter();
        return AdminCommand.run(full, new PrintWriter(out, true), new PrintWriter(out, true));
    }

    static void assertRefused(ThrowingCallable connectOrSubscribe) {
        assertThat(catchThrowable(connectOrSubscribe))
                .isInstanceOfAny(Mqtt5ConnAckException.class, Mqtt5SubAckException.class)
                .satisfies(e -> assertThat(
                                e instanceof Mqtt5ConnAckException c
                                        ? c.getMqttMessage().getReasonCode().getCode()
                                        : ((Mqtt5SubAckException) e)
                                                .getMqttMessage()
                                                .getReasonCodes()
                                                .get(0)
                                                .getCode())
                        .isEqualTo(0x87));
    }

    /**
     * auth.client-id.must-match and acl.subscribe.overlapping.deny too: a node that leaves them out binds client ids
     * and refuses overlapping wildcards as the cluster says, and a change reaches it live.
     */
    @Test
    void theClientIdBindingAndTheOverlappingDenyFollowTheClusterLive() throws Exception {
        Map<String, Object> cluster = TestBroker.isolatedSettings();
        BrokerNode a = broker.startNode(node(
                cluster,
                "a",
                BrokerConfig.AUTH_CLIENT_ID_MUST_MATCH_CONFIG,
                "prefix",
                BrokerConfig.ACL_SUBSCRIBE_OVERLAPPING_DENY_CONFIG,
                "REFUSE",
                BrokerConfig.ADMIN_HTTP_PORT_CONFIG,
                "0"));
        AclIT.put(a, "/v1/users/alice", "{\"password\":\"alice-pw\"}");
        AclIT.putAcl(a, "no-secret", "*", "subscribe", "cw/secret", "deny");
        BrokerNode c = broker.startNode(node(cluster, "c"));
        assertThat(c.clusterWideSettings())
                .isEqualTo("auth.mode=none, acl.no.match=allow, auth.client-id.must-match=prefix, "
                        + "acl.subscribe.overlapping.deny=refuse");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertRefused(() -> V5Client.connectAs(c, "bob-1", true, 0, "alice", "alice-pw")));
        try (V5Client alice = V5Client.connectAs(c, "alice-1", true, 0, "alice", "alice-pw")) {
            assertRefused(() -> alice.client.subscribeWith().topicFilter("cw/#").send());
        }

        assertThat(admin(cluster, "config", "put", "auth.client-id.must-match", "none"))
                .isZero();
        assertThat(admin(cluster, "config", "put", "acl.subscribe.overlapping.deny", "filter"))
                .isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (V5Client alice = V5Client.connectAs(c, "bob-2", true, 0, "alice", "alice-pw")) {
                alice.client.subscribeWith().topicFilter("cw/#").send(); // granted; cw/secret filtered at delivery
            }
        });
        assertThatThrownBy(() ->
                        broker.startNode(node(cluster, "b", BrokerConfig.AUTH_CLIENT_ID_MUST_MATCH_CONFIG, "prefix")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("this node's auth.client-id.must-match=prefix differs from the cluster's "
                        + "auth.client-id.must-match=none");
    }

    @Test
    void aNodeWhoseAuthModeDiffersFromTheClustersRefusesToStartNamingBothValues() {
        Map<String, Object> cluster = TestBroker.isolatedSettings();
        BrokerNode a = broker.startNode(node(cluster, "a", BrokerConfig.AUTH_MODE_CONFIG, "required"));
        assertThat(a.clusterWideSettings())
                .isEqualTo("auth.mode=required, acl.no.match=allow, auth.client-id.must-match=none, "
                        + "acl.subscribe.overlapping.deny=filter");

        assertThatThrownBy(() -> broker.startNode(node(cluster, "b", BrokerConfig.AUTH_MODE_CONFIG, "none")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("this node's auth.mode=none differs from the cluster's auth.mode=required")
                .hasMessageContaining("(stored in " + cluster.get(BrokerConfig.PLACEMENT_TOPIC_CONFIG) + ")")
                .hasMessageContaining("bin/tributary admin config put auth.mode none");
        // B never registered: it served nobody.
        assertThat(a.placementImage().nodes()).containsOnlyKeys("a");
    }

    @Test
    void aNodeThatLeavesTheSettingOutFollowsTheClusterAndAChangeReachesEveryNodeLive() {
        Map<String, Object> cluster = TestBroker.isolatedSettings();
        BrokerNode a = broker.startNode(node(
                cluster, "a", BrokerConfig.AUTH_MODE_CONFIG, "required", BrokerConfig.ACL_NO_MATCH_CONFIG, "deny"));
        BrokerNode c = broker.startNode(node(cluster, "c"));
        assertThat(c.clusterWideSettings()).startsWith("auth.mode=required, acl.no.match=deny, ");
        assertThatThrownBy(() -> connectAnonymously(c, "anonymous-1"))
                .isInstanceOfSatisfying(
                        Mqtt5ConnAckException.class,
                        e -> assertThat(e.getMqttMessage().getReasonCode())
                                .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));

        assertThat(admin(cluster, "config", "put", "auth.mode", "none")).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> connectAnonymously(c, "anonymous-2"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> connectAnonymously(a, "anonymous-3"));
        assertThat(a.clusterWideSettings()).startsWith("auth.mode=none, acl.no.match=deny, ");
    }
}
