/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import java.util.List;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;

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
 * @param phase                 null for an ordinary record; {@link #CLAIM} or {@link #HANDOVER} during a take-over
 *                              across nodes (see docs/architecture.md, "Many nodes")
 */
public record SessionState(int version, String clientId, int protocolLevel, long expiryIntervalSeconds,
                           List<StoredSubscription> subscriptions, DeliveryState delivery, List<Integer> qos2Received,
                           String owner, long epoch, long disconnectedAtMillis,
                           @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String phase) {

    public static final int CURRENT_VERSION = 1;
    public static final long NEVER_EXPIRES = 0xFFFFFFFFL;
    /** Written by a node that got a CONNECT for a session another node holds: owner = the claimant, epoch + 1. */
    public static final String CLAIM = "claim";
    /** Written by the node that held the session, on seeing a claim: its exact final state, at the claim's epoch. */
    public static final String HANDOVER = "handover";

    @JsonCreator
    public SessionState {
    }

    /** An ordinary record (no take-over in progress). */
    public SessionState(int version, String clientId, int protocolLevel, long expiryIntervalSeconds,
                        List<StoredSubscription> subscriptions, DeliveryState delivery, List<Integer> qos2Received,
                        String owner, long epoch, long disconnectedAtMillis) {
        this(version, clientId, protocolLevel, expiryIntervalSeconds, subscriptions, delivery, qos2Received, owner,
                epoch, disconnectedAtMillis, null);
    }

    /** The same state under another owner, epoch, disconnect time and phase. */
    public SessionState with(String newOwner, long newEpoch, long newDisconnectedAtMillis, @Nullable String newPhase) {
        return new SessionState(version, clientId, protocolLevel, expiryIntervalSeconds, subscriptions, delivery,
                qos2Received, newOwner, newEpoch, newDisconnectedAtMillis, newPhase);
    }

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
