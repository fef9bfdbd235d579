/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one node, readable over JMX (see {@link BrokerMetricsMXBean}); they are also what a metrics
 * registry and the $SYS topics will read.
 */
public final class BrokerMetrics implements BrokerMetricsMXBean {
    public final AtomicLong connections = new AtomicLong();
    public final AtomicLong publishesIn = new AtomicLong();
    public final AtomicLong bytesIn = new AtomicLong();
    public final AtomicLong messagesOut = new AtomicLong();
    public final AtomicLong qos0Dropped = new AtomicLong();
    public final AtomicLong catchUps = new AtomicLong();
    public final AtomicLong protocolErrors = new AtomicLong();
    public final AtomicLong kafkaPublishFailures = new AtomicLong();
    public final AtomicLong recordsWithoutTopic = new AtomicLong();
    /** Refused CONNECTs and failed re-authentications (bad credentials, anonymous, unknown method). */
    public final AtomicLong authFailures = new AtomicLong();
    /** Share-group records handed to one member of a shared subscription. */
    public final AtomicLong sharedDeliveries = new AtomicLong();
    /** Share-group records released back to Kafka for another member (member gone, busy or too slow). */
    public final AtomicLong sharedReleases = new AtomicLong();

    @Override
    public long getConnections() {
        return connections.get();
    }

    @Override
    public long getPublishesIn() {
        return publishesIn.get();
    }

    @Override
    public long getBytesIn() {
        return bytesIn.get();
    }

    @Override
    public long getMessagesOut() {
        return messagesOut.get();
    }

    @Override
    public long getQos0Dropped() {
        return qos0Dropped.get();
    }

    @Override
    public long getCatchUps() {
        return catchUps.get();
    }

    @Override
    public long getProtocolErrors() {
        return protocolErrors.get();
    }

    @Override
    public long getKafkaPublishFailures() {
        return kafkaPublishFailures.get();
    }

    @Override
    public long getRecordsWithoutTopic() {
        return recordsWithoutTopic.get();
    }

    @Override
    public long getAuthFailures() {
        return authFailures.get();
    }

    @Override
    public long getSharedDeliveries() {
        return sharedDeliveries.get();
    }

    @Override
    public long getSharedReleases() {
        return sharedReleases.get();
    }

    /** Registers under {@code io.tributary:type=BrokerMetrics,node=...}; returns the name used. */
    public javax.management.ObjectName register(String nodeId, int port) {
        var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        String base = "io.tributary:type=BrokerMetrics,node=" + javax.management.ObjectName.quote(nodeId);
        try {
            javax.management.ObjectName name = new javax.management.ObjectName(base);
            if (server.isRegistered(name)) {
                // Several nodes in one JVM (tests) with the same configured id: tell them apart by port.
                name = new javax.management.ObjectName(base + ",port=" + port);
            }
            server.registerMBean(this, name);
            return name;
        } catch (javax.management.JMException e) {
            throw new IllegalStateException("cannot register the broker metrics MBean: " + e.getMessage(), e);
        }
    }

    public static void unregister(javax.management.ObjectName name) {
        try {
            java.lang.management.ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (javax.management.JMException e) {
            // already gone
        }
    }
}
