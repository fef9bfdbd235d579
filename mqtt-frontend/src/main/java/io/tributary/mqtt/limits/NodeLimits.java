/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.limits;

import io.tributary.mqtt.config.BrokerConfig;

/**
 * The configured limits of one node (the "Limits" section of docs/operations.md).
 *
 * @param maxConnections              open connections accepted (mqtt.max.connections)
 * @param connectRate                 connects per second per source address (mqtt.connect.rate.per.address)
 * @param topics                      bounds on topic names and filters (mqtt.max.topic.levels / .length)
 * @param maxSubscriptionsPerClient   subscriptions one session may hold (mqtt.max.subscriptions.per.client)
 */
public record NodeLimits(
        int maxConnections, ConnectRateLimiter connectRate, TopicLimits topics, int maxSubscriptionsPerClient) {

    /** No limits beyond the specification's: for tests that build handlers by hand. */
    public static final NodeLimits NONE = new NodeLimits(
            Integer.MAX_VALUE, new ConnectRateLimiter(0, 1, System::nanoTime), TopicLimits.NONE, Integer.MAX_VALUE);

    public static NodeLimits of(BrokerConfig config) {
        return new NodeLimits(
                config.getInt(BrokerConfig.MAX_CONNECTIONS_CONFIG),
                new ConnectRateLimiter(
                        config.getDouble(BrokerConfig.CONNECT_RATE_CONFIG),
                        config.getInt(BrokerConfig.CONNECT_BURST_CONFIG),
                        System::nanoTime),
                new TopicLimits(
                        config.getInt(BrokerConfig.MAX_TOPIC_LEVELS_CONFIG),
                        config.getInt(BrokerConfig.MAX_TOPIC_LENGTH_CONFIG)),
                config.getInt(BrokerConfig.MAX_SUBSCRIPTIONS_CONFIG));
    }
}
