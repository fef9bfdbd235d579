/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.metrics;

/** The node's counters over JMX: {@code io.tributary:type=BrokerMetrics,node=<node id>}. */
public interface BrokerMetricsMXBean {

    long getConnections();

    long getPublishesIn();

    long getBytesIn();

    long getMessagesOut();

    long getQos0Dropped();

    long getCatchUps();

    long getProtocolErrors();

    long getKafkaPublishFailures();

    long getRecordsWithoutTopic();

    long getAuthFailures();

    long getSharedDeliveries();

    long getSharedReleases();

    long getOpenConnections();

    long getConnectionsRefused();

    long getConnectsRateLimited();

    long getTopicLimitRejections();

    long getSubscriptionQuotaRejections();

    long getConnectTimeouts();

    long getPacketsTooLarge();

    long getBytesOut();

    long getSysPublishesRefused();

    long getAclDenials();

    long getPublishesTooLargeForClient();
}
