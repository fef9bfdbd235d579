/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.tributary.mqtt.config.BrokerConfig;

/**
 * The protocol limits a node enforces on every connection, fixed at start.
 *
 * @param receiveMaximum    QoS 1/2 publishes a client may have unacknowledged (advertised in MQTT 5)
 * @param maxPacketSize     largest packet accepted from a client
 * @param maxClientIdLength longest client identifier accepted
 * @param connectTimeoutMs  time a new connection has to send CONNECT (and finish authenticating)
 * @param connectPolicy     topic aliases, keep alive and response information offered to MQTT 5 clients
 */
public record ProtocolSettings(
        int receiveMaximum,
        int maxPacketSize,
        int maxClientIdLength,
        int connectTimeoutMs,
        ConnectPolicy connectPolicy) {

    /** The settings a node's configuration names. */
    public static ProtocolSettings of(BrokerConfig config) {
        return new ProtocolSettings(
                config.getInt(BrokerConfig.PUBLISH_INFLIGHT_CONFIG),
                config.getInt(BrokerConfig.MAX_PACKET_SIZE_CONFIG),
                config.getInt(BrokerConfig.MAX_CLIENT_ID_CONFIG),
                config.getInt(BrokerConfig.CONNECT_TIMEOUT_CONFIG),
                new ConnectPolicy(
                        config.getInt(BrokerConfig.TOPIC_ALIAS_MAXIMUM_CONFIG),
                        config.getInt(BrokerConfig.KEEP_ALIVE_MAX_CONFIG),
                        config.getString(BrokerConfig.RESPONSE_INFORMATION_PREFIX_CONFIG)));
    }
}
