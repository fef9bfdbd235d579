/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.testing.BrokerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster-wide $SYS tree with two nodes on one Kafka: a client of one node sees the other node's figures
 * under {@code $SYS/tributary/nodes/{node}/} and the totals of both under {@code $SYS/tributary/cluster/}; a node
 * that stops leaves the totals.
 */
class ClusterSysIT {

    @RegisterExtension
    static final BrokerExtension cluster =
            BrokerExtension.withNodes(List.of("sys-a", "sys-b"), Map.of(BrokerConfig.SYS_INTERVAL_CONFIG, 200));

    @Test
    void aClientOfOneNodeSeesTheOtherNodeAndTheClusterTotals() {
        try (V5Client watcher = V5Client.connect(cluster.node(0), "watcher-on-a");
                V5Client onB1 = V5Client.connect(cluster.node(1), "client-on-b-1");
                V5Client onB2 = V5Client.connect(cluster.node(1), "client-on-b-2")) {
            watcher.client
                    .subscribeWith()
                    .topicFilter("$SYS/tributary/#")
                    .qos(MqttQos.AT_MOST_ONCE)
                    .send();
            for (int i = 0; i < 10; i++) {
                onB1.publish("cluster-sys/data", "m" + i, 1, false);
            }

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                Map<String, String> sys = latest(watcher);
                assertThat(sys)
                        .containsEntry("$SYS/tributary/nodes/sys-b/clients/connected", "2")
                        .containsEntry("$SYS/tributary/nodes/sys-a/clients/connected", "1")
                        .containsEntry("$SYS/tributary/nodes/sys-b/messages/received", "10")
                        .containsEntry("$SYS/tributary/cluster/nodes", "2")
                        .containsEntry("$SYS/tributary/cluster/nodes/ids", "sys-a,sys-b")
                        .containsEntry("$SYS/tributary/cluster/clients/connected", "3")
                        .containsEntry("$SYS/tributary/cluster/messages/received", "10")
                        .containsKeys(
                                "$SYS/tributary/nodes/sys-b/messages/received/per-second",
                                "$SYS/tributary/cluster/messages/sent/per-second",
                                "$SYS/tributary/nodes/sys-b/uptime");
            });
            // The rate of the interval the messages fell in was above zero, on the node that took them.
            assertThat(watcher.got.stream()
                            .filter(g -> g.topic().equals("$SYS/tributary/nodes/sys-b/messages/received/per-second"))
                            .map(g -> Double.parseDouble(g.payload())))
                    .anySatisfy(rate -> assertThat(rate).isPositive());

            cluster.node(1).close(); // a graceful stop withdraws the node's report
            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> assertThat(latest(watcher))
                            .containsEntry("$SYS/tributary/cluster/nodes", "1")
                            .containsEntry("$SYS/tributary/cluster/nodes/ids", "sys-a")
                            .containsEntry("$SYS/tributary/cluster/clients/connected", "1"));
        }
    }

    /** The last value of each topic the watcher received. */
    private static Map<String, String> latest(V5Client watcher) {
        return watcher.got.stream().collect(Collectors.toMap(V5Client.Got::topic, V5Client.Got::payload, (a, b) -> b));
    }
}
