/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.metrics;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;

/** The node's {@link BrokerMetricsMXBean} in the platform MBean server. */
public final class BrokerMetricsJmx {

    private BrokerMetricsJmx() {}

    /** Registers {@code metrics} under {@code io.tributary:type=BrokerMetrics,node=...}; returns the name used. */
    public static ObjectName register(BrokerMetricsMXBean metrics, String nodeId, int port) {
        var server = ManagementFactory.getPlatformMBeanServer();
        String base = "io.tributary:type=BrokerMetrics,node=" + ObjectName.quote(nodeId);
        try {
            ObjectName name = new ObjectName(base);
            if (server.isRegistered(name)) {
                // Several nodes in one JVM (tests) with the same configured id: tell them apart by port.
                name = new ObjectName(base + ",port=" + port);
            }
            server.registerMBean(metrics, name);
            return name;
        } catch (JMException e) {
            throw new IllegalStateException("cannot register the broker metrics MBean: " + e.getMessage(), e);
        }
    }

    public static void unregister(ObjectName name) {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException e) {
            // already gone
        }
    }
}
