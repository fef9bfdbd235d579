/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.tributary.mqtt.delivery.DeliveryState;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import io.tributary.mqtt.message.MessageProperties.UserProperty;
import io.tributary.mqtt.message.Will;
import java.util.List;
import org.jspecify.annotations.Nullable;

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
 * @param will                  the will still to be published if the connection ends without a normal DISCONNECT
 *                              (while connected), or that is pending its delay (offline); null when there is none.
 *                              Stored so that another node can publish it when the holder dies (see
 *                              docs/architecture.md, "Wills of a dead node"); records without it still load.
 * @param principal             the authenticated user that made the session, the only one who may connect to it
 *                              (docs/security.md, "A session belongs to its user"); null for a session of an
 *                              anonymous client, and in records written before it was stored: such a session
 *                              belongs to nobody and the next client to connect with its id takes it.
 */
public record SessionState(
        int version,
        String clientId,
        int protocolLevel,
        long expiryIntervalSeconds,
        List<StoredSubscription> subscriptions,
        DeliveryState delivery,
        List<Integer> qos2Received,
        String owner,
        long epoch,
        long disconnectedAtMillis,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String phase,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable StoredWill will,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String principal) {

    public static final int CURRENT_VERSION = 1;
    public static final long NEVER_EXPIRES = 0xFFFFFFFFL;
    /** Written by a node that got a CONNECT for a session another node holds: owner = the claimant, epoch + 1. */
    public static final String CLAIM = "claim";
    /** Written by the node that held the session, on seeing a claim: its exact final state, at the claim's epoch. */
    public static final String HANDOVER = "handover";

    @JsonCreator
    public SessionState {}

    /** A record without a will. */
    public SessionState(
            int version,
            String clientId,
            int protocolLevel,
            long expiryIntervalSeconds,
            List<StoredSubscription> subscriptions,
            DeliveryState delivery,
            List<Integer> qos2Received,
            String owner,
            long epoch,
            long disconnectedAtMillis,
            @Nullable String phase) {
        this(
                version,
                clientId,
                protocolLevel,
                expiryIntervalSeconds,
                subscriptions,
                delivery,
                qos2Received,
                owner,
                epoch,
                disconnectedAtMillis,
                phase,
                null,
                null);
    }

    /** A record without a principal (an anonymous client's). */
    public SessionState(
            int version,
            String clientId,
            int protocolLevel,
            long expiryIntervalSeconds,
            List<StoredSubscription> subscriptions,
            DeliveryState delivery,
            List<Integer> qos2Received,
            String owner,
            long epoch,
            long disconnectedAtMillis,
            @Nullable String phase,
            @Nullable StoredWill will) {
        this(
                version,
                clientId,
                protocolLevel,
                expiryIntervalSeconds,
                subscriptions,
                delivery,
                qos2Received,
                owner,
                epoch,
                disconnectedAtMillis,
                phase,
                will,
                null);
    }

    /** An ordinary record (no take-over in progress) without a will. */
    public SessionState(
            int version,
            String clientId,
            int protocolLevel,
            long expiryIntervalSeconds,
            List<StoredSubscription> subscriptions,
            DeliveryState delivery,
            List<Integer> qos2Received,
            String owner,
            long epoch,
            long disconnectedAtMillis) {
        this(
                version,
                clientId,
                protocolLevel,
                expiryIntervalSeconds,
                subscriptions,
                delivery,
                qos2Received,
                owner,
                epoch,
                disconnectedAtMillis,
                null);
    }

    /** The same state (will included) under another owner, epoch, disconnect time and phase. */
    public SessionState with(String newOwner, long newEpoch, long newDisconnectedAtMillis, @Nullable String newPhase) {
        return new SessionState(
                version,
                clientId,
                protocolLevel,
                expiryIntervalSeconds,
                subscriptions,
                delivery,
                qos2Received,
                newOwner,
                newEpoch,
                newDisconnectedAtMillis,
                newPhase,
                will,
                principal);
    }

    /** The same state with another will (null: none). */
    public SessionState withWill(@Nullable StoredWill newWill) {
        return new SessionState(
                version,
                clientId,
                protocolLevel,
                expiryIntervalSeconds,
                subscriptions,
                delivery,
                qos2Received,
                owner,
                epoch,
                disconnectedAtMillis,
                phase,
                newWill,
                principal);
    }

    /**
     * A will as stored: the message (its Message Expiry Interval as a lifetime, since it counts from the
     * publication, MQTT 5 section 3.1.3.2.4) and the MQTT 5 Will Delay Interval.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StoredWill(
            String topic,
            byte[] payload,
            int qos,
            boolean retain,
            long delaySeconds,
            boolean payloadUtf8,
            @Nullable String contentType,
            long messageExpiryMillis,
            @Nullable String responseTopic,
            byte @Nullable [] correlationData,
            @Nullable List<UserProperty> userProperties) {

        public static StoredWill of(Will will) {
            Message m = will.message();
            MessageProperties p = m.properties();
            return new StoredWill(
                    m.topic(),
                    m.payload(),
                    m.qos(),
                    m.retain(),
                    will.delaySeconds(),
                    p.payloadUtf8(),
                    p.contentType(),
                    p.expiresAtMillis(),
                    p.responseTopic(),
                    p.correlationData(),
                    p.userProperties().isEmpty() ? null : p.userProperties());
        }

        /** The will as ConnectGate made it for the client. */
        public Will toWill(String clientId) {
            MessageProperties props = new MessageProperties(
                    payloadUtf8,
                    contentType,
                    messageExpiryMillis,
                    responseTopic,
                    correlationData,
                    userProperties == null ? List.of() : List.copyOf(userProperties));
            return new Will(
                    new Message(topic, payload == null ? new byte[0] : payload, qos, retain, clientId, props),
                    delaySeconds);
        }
    }

    /** One subscription as stored. */
    public record StoredSubscription(
            String filter,
            int qos,
            boolean noLocal,
            boolean retainAsPublished,
            int retainHandling,
            int subscriptionId) {}

    /** When an offline session expires, in ms since the epoch; Long.MAX_VALUE for never. */
    public long expiresAtMillis() {
        if (expiryIntervalSeconds >= NEVER_EXPIRES || disconnectedAtMillis == 0) {
            return Long.MAX_VALUE;
        }
        return disconnectedAtMillis + expiryIntervalSeconds * 1000;
    }
}
