/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.sys;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The latest report of every node of the cluster, as this node has read them from the node stats topic, and the
 * cluster's totals over the nodes that still report.
 *
 * <p>A node that stopped gracefully withdrew its report; a node that crashed left its last one behind, so a
 * report counts only while it is fresh: read less than {@code staleAfterMillis} ago. Freshness is measured by
 * this node's clock at the time the report arrived, never by the reporting node's clock, so clocks that
 * disagree between machines do not make a node look dead. Written by the topic's reader thread, read by the
 * $SYS timer and the console.
 */
public final class ClusterStats {

    /** A node's report and when this node received it (this node's clock). */
    public record Report(NodeStats stats, long receivedAtMillis) {}

    /** The cluster's figures over the nodes whose reports are fresh. */
    public record Summary(
            int nodes,
            long clientsConnected,
            long connectionsOpen,
            long messagesReceived,
            long messagesSent,
            double messagesReceivedPerSecond,
            double messagesSentPerSecond) {}

    private final Map<String, Report> reports = new ConcurrentHashMap<>();
    private final LongSupplier clockMillis;
    private final long staleAfterMillis;

    public ClusterStats(LongSupplier clockMillis, long staleAfterMillis) {
        this.clockMillis = clockMillis;
        this.staleAfterMillis = staleAfterMillis;
    }

    /** A report read (or just written by this node): replaces the node's previous one. */
    public void apply(NodeStats stats) {
        reports.put(stats.nodeId(), new Report(stats, clockMillis.getAsLong()));
    }

    /** A withdrawn report (a tombstone). */
    public void remove(String nodeId) {
        reports.remove(nodeId);
    }

    /** Every report held, fresh or not, by node id; the console shows the stale ones as silent. */
    public List<Report> all() {
        List<Report> out = new ArrayList<>(reports.values());
        out.sort(Comparator.comparing(r -> r.stats().nodeId()));
        return out;
    }

    public boolean isFresh(Report report) {
        return clockMillis.getAsLong() - report.receivedAtMillis() < staleAfterMillis;
    }

    /** The reports of the nodes that report now, by node id. */
    public List<NodeStats> fresh() {
        return all().stream().filter(this::isFresh).map(Report::stats).toList();
    }

    public Summary summary() {
        List<NodeStats> nodes = fresh();
        return new Summary(
                nodes.size(),
                nodes.stream().mapToLong(NodeStats::clientsConnected).sum(),
                nodes.stream().mapToLong(NodeStats::connectionsOpen).sum(),
                nodes.stream().mapToLong(NodeStats::messagesReceived).sum(),
                nodes.stream().mapToLong(NodeStats::messagesSent).sum(),
                nodes.stream().mapToDouble(NodeStats::messagesReceivedPerSecond).sum(),
                nodes.stream().mapToDouble(NodeStats::messagesSentPerSecond).sum());
    }
}
