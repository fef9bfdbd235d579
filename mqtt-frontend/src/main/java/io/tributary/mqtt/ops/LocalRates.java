/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import io.tributary.mqtt.metrics.BrokerMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * This node's connections and message rates for the console's charts, sampled when the page polls (every two
 * seconds) rather than every $SYS interval: a rate is the change of the broker's counters since the previous
 * sample, recomputed at most once a second however many pages poll.
 */
final class LocalRates {

    private static final long MIN_SAMPLE_MILLIS = 1000;

    private final BrokerMetrics metrics;
    private final LongSupplier clockMillis;
    private long sampledAtMillis;
    private long received;
    private long sent;
    private double receivedPerSecond;
    private double sentPerSecond;

    LocalRates(BrokerMetrics metrics, LongSupplier clockMillis) {
        this.metrics = metrics;
        this.clockMillis = clockMillis;
    }

    synchronized Map<String, Object> now() {
        long now = clockMillis.getAsLong();
        long in = metrics.getPublishesIn();
        long out = metrics.getMessagesOut();
        if (sampledAtMillis == 0) {
            sampledAtMillis = now;
            received = in;
            sent = out;
        } else if (now - sampledAtMillis >= MIN_SAMPLE_MILLIS) {
            double seconds = (now - sampledAtMillis) / 1000.0;
            receivedPerSecond = (in - received) / seconds;
            sentPerSecond = (out - sent) / seconds;
            sampledAtMillis = now;
            received = in;
            sent = out;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clientsConnected", metrics.getConnections());
        m.put("connectionsOpen", metrics.getOpenConnections());
        m.put("messagesReceived", in);
        m.put("messagesSent", out);
        m.put("messagesReceivedPerSecond", receivedPerSecond);
        m.put("messagesSentPerSecond", sentPerSecond);
        return m;
    }
}
