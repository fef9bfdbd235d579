/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one node. Plain atomics for now; they are what a metrics registry and the $SYS topics will
 * read.
 */
public final class BrokerMetrics {
    public final AtomicLong connections = new AtomicLong();
    public final AtomicLong publishesIn = new AtomicLong();
    public final AtomicLong bytesIn = new AtomicLong();
    public final AtomicLong messagesOut = new AtomicLong();
    public final AtomicLong qos0Dropped = new AtomicLong();
    public final AtomicLong catchUps = new AtomicLong();
    public final AtomicLong protocolErrors = new AtomicLong();
    public final AtomicLong kafkaPublishFailures = new AtomicLong();
    public final AtomicLong recordsWithoutTopic = new AtomicLong();
}
