/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.testing;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Several broker nodes on one Kafka cluster: the same topics and settings, each with its own {@code node.id}
 * and MQTT port, as a deployment behind a TCP load balancer would run them.
 */
public final class TestCluster implements AutoCloseable {

    private final List<BrokerNode> nodes = new ArrayList<>();
    private final Map<String, Object> settings;

    private TestCluster(Map<String, Object> settings) {
        this.settings = settings;
    }

    /** Starts {@code count} nodes named node-0, node-1, ... sharing {@code settings}. */
    public static TestCluster start(KafkaTestCluster kafka, int count, Map<String, Object> settings) {
        TestCluster cluster = new TestCluster(settings);
        try {
            for (int i = 0; i < count; i++) {
                cluster.nodes.add(TestBroker.start(kafka, settingsOf(settings, i)));
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public static TestCluster start(KafkaTestCluster kafka, int count) {
        return start(kafka, count, TestBroker.isolatedSettings());
    }

    /** The settings of node {@code index}: the shared ones plus its own node id (the port stays 0: a free one). */
    public static Map<String, Object> settingsOf(Map<String, Object> shared, int index) {
        return TestBroker.with(shared, BrokerConfig.NODE_ID_CONFIG, "node-" + index);
    }

    public BrokerNode node(int index) {
        return nodes.get(index);
    }

    public List<BrokerNode> nodes() {
        return List.copyOf(nodes);
    }

    public Map<String, Object> settings() {
        return settings;
    }

    /** Closes every node (gracefully: sessions stored, clients told). */
    @Override
    public void close() {
        for (BrokerNode node : nodes) {
            node.close();
        }
    }
}
