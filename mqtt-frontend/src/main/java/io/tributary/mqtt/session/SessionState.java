/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import java.util.List;

import io.tributary.mqtt.delivery.DeliveryState;

/**
 * A session at rest: the value of its record in the compacted sessions topic (JSON, key = client id). Each
 * record holds the full state of the session, so compaction may drop every record before it.
 *
 * @param expiryIntervalSeconds {@link #NEVER_EXPIRES} for MQTT 3.1.1 persistent sessions
 * @param qos2Received          packet ids of inbound QoS 2 messages written to Kafka and awaiting PUBREL
 * @param owner                 node that holds the session while it is connected
 * @param epoch                 grows by one with every connect; a stale writer can tell it lost the session
 * @param disconnectedAtMillis  0 while connected
 */
public record SessionState(int version, String clientId, int protocolLevel, long expiryIntervalSeconds,
                           List<StoredSubscription> subscriptions, DeliveryState delivery, List<Integer> qos2Received,
                           String owner, long epoch, long disconnectedAtMillis) {

    public static final int CURRENT_VERSION = 1;
    public static final long NEVER_EXPIRES = 0xFFFFFFFFL;

    /** One subscription as stored. */
    public record StoredSubscription(String filter, int qos, boolean noLocal, boolean retainAsPublished,
                                     int retainHandling, int subscriptionId) {
    }

    /** When an offline session expires, in ms since the epoch; Long.MAX_VALUE for never. */
    public long expiresAtMillis() {
        if (expiryIntervalSeconds >= NEVER_EXPIRES || disconnectedAtMillis == 0) {
            return Long.MAX_VALUE;
        }
        return disconnectedAtMillis + expiryIntervalSeconds * 1000;
    }
}
