/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
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

    @Test
    void aNodeWhoseAuthModeDiffersFromTheClustersRefusesToStartNamingBothValues() {
        Map<String, Object> cluster = TestBroker.isolatedSettings();
        BrokerNode a = broker.startNode(node(cluster, "a", BrokerConfig.AUTH_MODE_CONFIG, "required"));
        assertThat(a.clusterWideSettings()).isEqualTo("auth.mode=required, acl.no.match=allow");

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
        assertThat(c.clusterWideSettings()).isEqualTo("auth.mode=required, acl.no.match=deny");
        assertThatThrownBy(() -> connectAnonymously(c, "anonymous-1"))
                .isInstanceOfSatisfying(
                        Mqtt5ConnAckException.class,
                        e -> assertThat(e.getMqttMessage().getReasonCode())
                                .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));

        assertThat(admin(cluster, "config", "put", "auth.mode", "none")).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> connectAnonymously(c, "anonymous-2"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> connectAnonymously(a, "anonymous-3"));
        assertThat(a.clusterWideSettings()).isEqualTo("auth.mode=none, acl.no.match=deny");
    }
}
