/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The settings of the cluster-wide $SYS tree and the web console's node figures, one constant quartet per setting
 * as in {@link BrokerConfig}. They sit in the Monitoring group of the generated reference, after
 * {@code sys.interval.ms}, which also sets how often each node reports.
 */
public final class SysSettings {

    private SysSettings() {}

    public static final String STATS_TOPIC_CONFIG = "sys.stats.topic";
    public static final String STATS_TOPIC_DOC = "Compacted Kafka topic where each node reports its figures "
            + "(connections, messages, rates) every sys.interval.ms, one record per node id; every node reads it "
            + "to publish the $SYS/tributary/cluster/ and $SYS/tributary/nodes/ trees and to show the cluster in the "
            + "web console. Created with one partition if missing.";
    public static final String STATS_TOPIC_DEFAULT = "tributary-node-stats";

    /** Defines this group's keys after {@code sys.interval.ms}. */
    static void define(BrokerConfigDef.Grouped monitoring) {
        monitoring.define(STATS_TOPIC_CONFIG, Type.STRING, STATS_TOPIC_DEFAULT, null, Importance.LOW, STATS_TOPIC_DOC);
    }

    public static String statsTopic(BrokerConfig config) {
        return config.getString(STATS_TOPIC_CONFIG);
    }

    /**
     * How long a node's report counts after it arrived: three intervals (two missed reports are tolerated) plus
     * two seconds of slack for a pause; after that the node is shown as silent and left out of the totals.
     */
    public static long staleAfterMillis(BrokerConfig config) {
        return 3L * config.getInt(BrokerConfig.SYS_INTERVAL_CONFIG) + 2000;
    }
}
