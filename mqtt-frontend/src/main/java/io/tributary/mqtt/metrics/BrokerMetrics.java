/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.metrics;

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
    /** TCP connections open, including those not past CONNECT yet (what mqtt.max.connections bounds). */
    public final AtomicLong openConnections = new AtomicLong();
    /** CONNECTs refused because mqtt.max.connections was reached. */
    public final AtomicLong connectionsRefused = new AtomicLong();
    /** CONNECTs refused because their source address exceeded mqtt.connect.rate.per.address. */
    public final AtomicLong connectsRateLimited = new AtomicLong();
    /** PUBLISH topics and subscription filters refused for mqtt.max.topic.levels / mqtt.max.topic.length. */
    public final AtomicLong topicLimitRejections = new AtomicLong();
    /** subscription filters refused for mqtt.max.subscriptions.per.client. */
    public final AtomicLong subscriptionQuotaRejections = new AtomicLong();
    /** connections closed because no CONNECT arrived within mqtt.connect.timeout.ms. */
    public final AtomicLong connectTimeouts = new AtomicLong();
    /** inbound packets larger than mqtt.max.packet.size. */
    public final AtomicLong packetsTooLarge = new AtomicLong();
    /** payload bytes of PUBLISH packets sent to clients. */
    public final AtomicLong bytesOut = new AtomicLong();
    /** PUBLISH packets from clients into the broker's $SYS tree, refused. */
    public final AtomicLong sysPublishesRefused = new AtomicLong();
    /** PUBLISH, SUBSCRIBE filters and wills refused by the ACL rules (or acl.no.match=deny). */
    public final AtomicLong aclDenials = new AtomicLong();
    /** PUBLISH packets not sent because they exceed the client's Maximum Packet Size [MQTT-3.1.2-25]. */
    public final AtomicLong publishesTooLargeForClient = new AtomicLong();

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

    @Override
    public long getOpenConnections() {
        return openConnections.get();
    }

    @Override
    public long getConnectionsRefused() {
        return connectionsRefused.get();
    }

    @Override
    public long getConnectsRateLimited() {
        return connectsRateLimited.get();
    }

    @Override
    public long getTopicLimitRejections() {
        return topicLimitRejections.get();
    }

    @Override
    public long getSubscriptionQuotaRejections() {
        return subscriptionQuotaRejections.get();
    }

    @Override
    public long getConnectTimeouts() {
        return connectTimeouts.get();
    }

    @Override
    public long getPacketsTooLarge() {
        return packetsTooLarge.get();
    }

    @Override
    public long getBytesOut() {
        return bytesOut.get();
    }

    @Override
    public long getSysPublishesRefused() {
        return sysPublishesRefused.get();
    }

    @Override
    public long getAclDenials() {
        return aclDenials.get();
    }

    @Override
    public long getPublishesTooLargeForClient() {
        return publishesTooLargeForClient.get();
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
