/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.sys;

/**
 * One node's figures at one moment, as it reports them to the cluster every {@code sys.interval.ms}: counters
 * since the node started, and the message rates over its last interval (computed by the node itself, so a
 * reader needs no earlier record to show a rate).
 *
 * @param atMillis when the node took the figures, by its own clock (shown, never compared across nodes)
 */
public record NodeStats(
        String nodeId,
        long atMillis,
        long uptimeSeconds,
        long clientsConnected,
        long connectionsOpen,
        long messagesReceived,
        long messagesSent,
        long messagesDropped,
        long bytesReceived,
        long bytesSent,
        long kafkaLag,
        double messagesReceivedPerSecond,
        double messagesSentPerSecond) {}
