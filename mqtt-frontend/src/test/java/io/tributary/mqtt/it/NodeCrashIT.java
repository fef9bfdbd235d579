/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.it.CrossNodeTakeoverIT.Client;
import io.tributary.mqtt.testing.BrokerExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node killed without warning: its clients reconnect to another node and get their persistent sessions back
 * from the last checkpoint (QoS 1 at least once), after the bounded wait for a hand-over that cannot come; once
 * the nodes' group notices the death, another node stores those sessions as offline and their expiry runs.
 */
class NodeCrashIT {

    private static final Logger LOG = LoggerFactory.getLogger(NodeCrashIT.class);
    private static final int TAKEOVER_TIMEOUT_MS = 1500;
    /** The Kafka brokers' smallest group session timeout by default. */
    private static final int LIVENESS_TIMEOUT_MS = 6000;

    // Node 3 is crashed by the liveness test, node 0 by the other one.
    @RegisterExtension
    static final BrokerExtension cluster = BrokerExtension.withNodes(
            4,
            Map.of(
                    BrokerConfig.SESSION_TAKEOVER_TIMEOUT_CONFIG,
                    TAKEOVER_TIMEOUT_MS,
                    BrokerConfig.NODE_LIVENESS_TIMEOUT_CONFIG,
                    LIVENESS_TIMEOUT_MS));

    @Test
    void clientOfACrashedNodeResumesItsSessionOnAnother() throws Exception {
        String id = "survivor";
        Client onA = new Client(cluster.node(0), id, true);
        onA.client
                .subscribeWith()
                .topicFilter("crash/t")
                .qos(MqttQos.AT_LEAST_ONCE)
                .send();
        Mqtt5BlockingClient pub = CrossNodeTakeoverIT.publisher(cluster.node(1), "crash-pub");
        CrossNodeTakeoverIT.publishAll(pub, "crash/t", 1, "c", 0, 20);
        await().atMost(Duration.ofSeconds(15)).until(() -> onA.got.size() >= 20);
        await().atMost(Duration.ofSeconds(10)).until(() -> CrossNodeTakeoverIT.quiescent(cluster, id));

        cluster.node(0).crash();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !onA.client.getState().isConnected());
        CrossNodeTakeoverIT.publishAll(pub, "crash/t", 1, "c", 20, 40); // while the session has no connection

        long t0 = System.nanoTime();
        Client onC = new Client(cluster.node(2), id, false);
        LOG.info(
                "Session of crashed node 0 resumed on node 2: CONNACK after {} ms (take-over timeout {} ms)",
                (System.nanoTime() - t0) / 1_000_000,
                TAKEOVER_TIMEOUT_MS);
        assertThat(onC.connAck.isSessionPresent()).isTrue();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            for (int i = 0; i < 40; i++) {
                if (onA.count("1:c" + i) + onC.count("1:c" + i) == 0) {
                    return false;
                }
            }
            return true;
        });
        // Nothing before the last checkpoint comes again: the checkpoint had no message in flight.
        assertThat(onC.got).noneMatch(g -> onA.got.contains(g));
        onC.client.disconnect();
        pub.disconnect();
    }

    /**
     * The sessions that were connected to a node that died are stored as offline by a live node once the group
     * notices (MQTT 5 session expiry then runs [MQTT-3.1.2-23]), and resume at once on another node.
     */
    @Test
    void sessionsConnectedToADeadNodeGoOfflineAndExpire() throws Exception {
        Client mortal = new Client(cluster.node(3), "mortal", true, 2);
        Client lingering = new Client(cluster.node(3), "lingering", true, 600);
        lingering
                .client
                .subscribeWith()
                .topicFilter("linger/t")
                .qos(MqttQos.AT_LEAST_ONCE)
                .send();
        await().atMost(Duration.ofSeconds(10)).until(() -> latest("mortal") != null && latest("lingering") != null);

        long t0 = System.nanoTime();
        cluster.node(3).crash();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var s = latest("lingering");
            return s != null && s.path("disconnectedAtMillis").asLong() != 0;
        });
        LOG.info(
                "Sessions of crashed node 3 stored as offline by {} after {} ms (liveness timeout {} ms)",
                latest("lingering").path("owner").asText(),
                (System.nanoTime() - t0) / 1_000_000,
                LIVENESS_TIMEOUT_MS);
        await().atMost(Duration.ofSeconds(20)).until(() -> latest("mortal") == null); // expired: a tombstone

        long t1 = System.nanoTime();
        Client back = new Client(cluster.node(1), "lingering", false);
        long tookMs = (System.nanoTime() - t1) / 1_000_000;
        assertThat(back.connAck.isSessionPresent()).isTrue();
        assertThat(tookMs).as("no wait for a hand-over").isLessThan(TAKEOVER_TIMEOUT_MS);
        back.client.disconnect();
        assertThat(mortal.client.getState().isConnected()).isFalse();
    }

    static com.fasterxml.jackson.databind.JsonNode latest(String clientId) throws Exception {
        return CrossNodeTakeoverIT.latestSession(cluster, clientId);
    }
}
