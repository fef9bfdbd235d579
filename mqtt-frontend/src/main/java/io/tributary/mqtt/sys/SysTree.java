/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.sys;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The topics and values of the $SYS tree, built from the figures: one place that names them (docs/operations.md,
 * "$SYS topics", lists the same).
 *
 * <pre>
 * $SYS/brokers/{node}/...                 the node a client is connected to (the original tree, kept)
 * $SYS/tributary/nodes/{node}/...         every node that reports, as every node reads it from Kafka
 * $SYS/tributary/cluster/...              totals over the nodes that report
 * </pre>
 */
final class SysTree {

    static final String NODES = "$SYS/tributary/nodes/";
    static final String CLUSTER = "$SYS/tributary/cluster/";

    private SysTree() {}

    /** A node id as one topic level: wildcards, separators and U+0000 replaced [MQTT-4.7.3-2]. */
    static String topicLevel(String nodeId) {
        return nodeId.replaceAll("[/+#\u0000]", "_");
    }

    /** A node's figures, topic below its prefix to value. */
    static Map<String, String> node(NodeStats s) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("clients/connected", Long.toString(s.clientsConnected()));
        m.put("connections/open", Long.toString(s.connectionsOpen()));
        m.put("messages/received", Long.toString(s.messagesReceived()));
        m.put("messages/sent", Long.toString(s.messagesSent()));
        m.put("messages/dropped", Long.toString(s.messagesDropped()));
        m.put("bytes/received", Long.toString(s.bytesReceived()));
        m.put("bytes/sent", Long.toString(s.bytesSent()));
        m.put("kafka/lag", Long.toString(s.kafkaLag()));
        m.put("uptime", Long.toString(s.uptimeSeconds()));
        return m;
    }

    /** The node's figures under {@code $SYS/tributary/nodes/{node}/}, with its rates. */
    static Map<String, String> clusterNode(NodeStats s) {
        String prefix = NODES + topicLevel(s.nodeId()) + "/";
        Map<String, String> m = new LinkedHashMap<>();
        node(s).forEach((k, v) -> m.put(prefix + k, v));
        m.put(prefix + "messages/received/per-second", rate(s.messagesReceivedPerSecond()));
        m.put(prefix + "messages/sent/per-second", rate(s.messagesSentPerSecond()));
        return m;
    }

    /** The totals under {@code $SYS/tributary/cluster/}. */
    static Map<String, String> cluster(ClusterStats.Summary sum, Iterable<NodeStats> fresh) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CLUSTER + "nodes", Integer.toString(sum.nodes()));
        m.put(
                CLUSTER + "nodes/ids",
                java.util.stream.StreamSupport.stream(fresh.spliterator(), false)
                        .map(NodeStats::nodeId)
                        .collect(Collectors.joining(",")));
        m.put(CLUSTER + "clients/connected", Long.toString(sum.clientsConnected()));
        m.put(CLUSTER + "connections/open", Long.toString(sum.connectionsOpen()));
        m.put(CLUSTER + "messages/received", Long.toString(sum.messagesReceived()));
        m.put(CLUSTER + "messages/sent", Long.toString(sum.messagesSent()));
        m.put(CLUSTER + "messages/received/per-second", rate(sum.messagesReceivedPerSecond()));
        m.put(CLUSTER + "messages/sent/per-second", rate(sum.messagesSentPerSecond()));
        return m;
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.1f", perSecond);
    }
}
