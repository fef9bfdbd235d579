/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.embedded;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import kafka.server.KafkaConfig;

/**
 * The server configuration of the embedded Kafka: one combined broker and controller (node id 1) whose client
 * listener ({@code PLAINTEXT}) binds to the given {@code host:port}. The controller listener ({@code CONTROLLER})
 * always binds to {@code 127.0.0.1}: only this process ever talks to it, so it should not be reachable from the
 * network.
 */
final class KraftServerConfig {

    static final int NODE_ID = 1;
    static final String CONTROLLER_HOST = "127.0.0.1";
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private static final String CLIENT_LISTENER = "PLAINTEXT";

    private KraftServerConfig() {}

    /**
     * @param host             the interface the client listener binds to; a wildcard binds all interfaces
     * @param port             the client listener's port
     * @param bootstrapServers the client listener as advertised to clients
     * @throws IllegalStateException when Kafka rejects the configuration
     */
    static KafkaConfig of(String host, int port, String bootstrapServers, int controllerPort, Path logDir) {
        try {
            return new KafkaConfig(serverProperties(host, port, bootstrapServers, controllerPort, logDir), false);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Invalid embedded Kafka configuration: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> serverProperties(
            String host, int port, String bootstrapServers, int controllerPort, Path logDir) {
        Map<String, Object> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.bootstrap.servers", CONTROLLER_HOST + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put(
                "listeners",
                CLIENT_LISTENER + "://" + ListenerPorts.hostPort(ListenerPorts.isWildcard(host) ? "" : host, port) + ","
                        + CONTROLLER_LISTENER + "://" + CONTROLLER_HOST + ":" + controllerPort);
        p.put("advertised.listeners", CLIENT_LISTENER + "://" + bootstrapServers);
        p.put("inter.broker.listener.name", CLIENT_LISTENER);
        p.put("listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", logDir.toString());

        // One broker: every internal topic must be satisfiable with a single replica, or the group, transaction
        // and share coordinators never come up.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        // Tributary creates its topics explicitly with the layout it needs; a typo must fail, not invent a topic.
        p.put("auto.create.topics.enable", "false");
        // The delay exists to batch joins of many consumers in a cluster; locally it only slows the first poll.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Share groups need no switch in Kafka 4.3: they are gated by the share.version feature, which the
        // formatter sets to its production level (1) along with the latest production metadata.version.
        return p;
    }
}
