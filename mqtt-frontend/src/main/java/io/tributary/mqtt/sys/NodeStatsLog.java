/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.sys;

/**
 * Where a node reports its figures to the other nodes (a compacted Kafka topic keyed by node id, see
 * {@code kafka.KafkaNodeStatsLog}); every node reads all the reports back into its {@link ClusterStats}.
 */
public interface NodeStatsLog {

    /** Reports the node's latest figures, replacing its previous report. Fire and forget: a lost one is superseded. */
    void write(NodeStats stats);

    /** Withdraws the node's report, on a graceful stop. */
    void remove(String nodeId);
}
