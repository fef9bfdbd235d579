/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.testing;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-process Kafka per test class and the broker nodes the class runs on it. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final BrokerExtension broker = BrokerExtension.withSettings(Map.of(BrokerConfig.MAX_PACKET_SIZE_CONFIG, 512));
 * }</pre>
 *
 * Before the class's {@code @BeforeAll} methods run, Kafka and the declared nodes are up; after its
 * {@code @AfterAll} methods, every node (also those the tests started with {@link #startNode}) and then Kafka are
 * closed, in the reverse order of their start. The nodes' Kafka topics are the class's own
 * ({@link TestBroker#isolatedSettings()}) plus the given settings.
 */
public final class BrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private final Map<String, Object> settings;
    private final List<Map<String, Object>> declaredNodes;
    private int kafkaBrokers = 1;

    private KafkaTestCluster kafka;
    private final List<RunningNode> nodes = new ArrayList<>();

    private record RunningNode(BrokerNode node, Map<String, Object> settings) {}

    private BrokerExtension(Map<String, Object> settings, List<Map<String, Object>> declaredNodes) {
        this.settings = Collections.unmodifiableMap(settings);
        this.declaredNodes = declaredNodes;
    }

    /** One node with the default settings on topics of its own. */
    public static BrokerExtension withDefaults() {
        return withSettings(Map.of());
    }

    /** One node with {@code overrides} on top of the defaults. */
    public static BrokerExtension withSettings(Map<String, ?> overrides) {
        Map<String, Object> settings = settingsWith(overrides);
        return new BrokerExtension(settings, List.of(settings));
    }

    /** {@code count} nodes named node-0, node-1, ... sharing topics and {@code overrides}, as behind a load balancer. */
    public static BrokerExtension withNodes(int count, Map<String, ?> overrides) {
        return withNodes(IntStream.range(0, count).mapToObj(i -> "node-" + i).toList(), overrides);
    }

    /** One node per id, sharing topics and {@code overrides}. */
    public static BrokerExtension withNodes(List<String> nodeIds, Map<String, ?> overrides) {
        Map<String, Object> settings = settingsWith(overrides);
        return new BrokerExtension(
                settings,
                nodeIds.stream()
                        .map(id -> TestBroker.with(settings, BrokerConfig.NODE_ID_CONFIG, id))
                        .toList());
    }

    /** Kafka alone: the class starts its nodes with {@link #startNode} (for settings known only at run time). */
    public static BrokerExtension kafkaOnly() {
        return new BrokerExtension(settingsWith(Map.of()), List.of());
    }

    /** Runs Kafka with {@code brokers} brokers (three or more replicate as in production) instead of one. */
    public BrokerExtension onKafkaBrokers(int brokers) {
        this.kafkaBrokers = brokers;
        return this;
    }

    private static Map<String, Object> settingsWith(Map<String, ?> overrides) {
        Map<String, Object> settings = TestBroker.isolatedSettings();
        // As strings, the way a properties file gives them to BrokerConfig.
        overrides.forEach((key, value) -> settings.put(key, value.toString()));
        return settings;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = KafkaTestCluster.start(kafkaBrokers);
        try {
            declaredNodes.forEach(this::startNode);
        } catch (RuntimeException e) {
            afterAll(context);
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).node().close();
        }
        nodes.clear();
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /** Starts a further node on this Kafka with exactly {@code nodeSettings}; it is closed after the class. */
    public BrokerNode startNode(Map<String, Object> nodeSettings) {
        BrokerNode node = TestBroker.start(kafka, nodeSettings);
        nodes.add(new RunningNode(node, nodeSettings));
        return node;
    }

    /** Closes the first node and starts a new one with its settings (a node restart); {@link #node()} is the new one. */
    public BrokerNode restart() {
        RunningNode old = nodes.get(0);
        old.node().close();
        BrokerNode node = TestBroker.start(kafka, old.settings());
        nodes.set(0, new RunningNode(node, old.settings()));
        return node;
    }

    public KafkaTestCluster kafka() {
        return kafka;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The settings the declared nodes share (without a node's own id). */
    public Map<String, Object> settings() {
        return settings;
    }

    /** The first node: the class's only one unless it declared several. */
    public BrokerNode node() {
        return node(0);
    }

    public BrokerNode node(int index) {
        return nodes.get(index).node();
    }

    public List<BrokerNode> nodes() {
        return nodes.stream().map(RunningNode::node).toList();
    }

    public int mqttPort() {
        return node().mqttPort();
    }
}
