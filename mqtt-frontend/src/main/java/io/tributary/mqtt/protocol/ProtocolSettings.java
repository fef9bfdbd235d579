/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

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
        ConnectPolicy connectPolicy) {}
