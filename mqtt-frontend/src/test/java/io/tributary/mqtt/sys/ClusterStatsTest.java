/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The cluster's totals count a node while its report is fresh by this node's clock, and not after a tombstone. */
class ClusterStatsTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ClusterStats cluster = new ClusterStats(now::get, 5000);

    private static NodeStats report(String node, long atMillis, long clients, double inPerSecond) {
        return new NodeStats(node, atMillis, 10, clients, clients, 100, 50, 0, 1000, 500, 0, inPerSecond, 2.5);
    }

    @Test
    void totalsAddUpTheNodesThatReport() {
        cluster.apply(report("a", 1, 3, 10.0));
        // b's clock is a day behind: freshness is by the time the report arrived here, not by its own stamp.
        cluster.apply(report("b", now.get() - 86_400_000, 4, 5.5));

        ClusterStats.Summary sum = cluster.summary();
        assertThat(sum.nodes()).isEqualTo(2);
        assertThat(sum.clientsConnected()).isEqualTo(7);
        assertThat(sum.messagesReceived()).isEqualTo(200);
        assertThat(sum.messagesReceivedPerSecond()).isEqualTo(15.5);
        assertThat(sum.messagesSentPerSecond()).isEqualTo(5.0);
        assertThat(cluster.fresh()).extracting(NodeStats::nodeId).containsExactly("a", "b");
    }

    @Test
    void aNodeThatStopsReportingLeavesTheTotalsButStaysListedAsSilent() {
        cluster.apply(report("a", 1, 3, 1.0));
        now.addAndGet(3000);
        cluster.apply(report("b", 1, 4, 1.0));
        now.addAndGet(2500); // a's report is 5.5 s old, b's 2.5 s

        assertThat(cluster.fresh()).extracting(NodeStats::nodeId).containsExactly("b");
        assertThat(cluster.summary().clientsConnected()).isEqualTo(4);
        assertThat(cluster.all()).hasSize(2);
        assertThat(cluster.isFresh(cluster.all().get(0))).isFalse();
    }

    @Test
    void aTombstoneRemovesTheNodeAtOnce() {
        cluster.apply(report("a", 1, 3, 1.0));
        cluster.remove("a");
        assertThat(cluster.all()).isEmpty();
        assertThat(cluster.summary().nodes()).isZero();
    }
}
