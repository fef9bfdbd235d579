/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.metrics;

/** A limit a client ran into: the {@code limit} label, with the setting it comes from in the docs. */
public enum LimitKind {
    /** mqtt.max.connections */
    MAX_CONNECTIONS,
    /** mqtt.connect.rate.per.address */
    CONNECT_RATE,
    /** mqtt.max.topic.levels, mqtt.max.topic.length */
    TOPIC_SIZE,
    /** mqtt.max.subscriptions.per.client */
    SUBSCRIPTIONS_PER_CLIENT,
    /** mqtt.connect.timeout.ms */
    CONNECT_TIMEOUT,
    /** mqtt.max.packet.size */
    PACKET_SIZE
}
