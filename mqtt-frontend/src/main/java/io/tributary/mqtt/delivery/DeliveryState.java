/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a session's delivery progress looks like at rest (in the sessions topic), keyed by shard
 * ({@code topic:partition}).
 *
 * @param committed offset each shard's replay starts from
 * @param sentUpTo  one past the highest offset written to the client per shard (replays below it carry DUP)
 * @param skip      offsets above the committed one a replay must not deliver again
 * @param releases  QoS 2 messages the client has received (PUBREC) but not completed (PUBCOMP)
 * @param packetIds packet ids of messages written to the client and not acknowledged, per shard and offset: a
 *                  resend after reconnect uses the original id [MQTT-4.4.0-1] (absent in records of older nodes)
 * @param shared    QoS 2 messages of shared subscriptions this member has taken and not completed: they are its
 *                  own, completed to it when it reconnects [MQTT-4.8.2-4] (absent in records of older nodes)
 */
public record DeliveryState(
        Map<String, Long> committed,
        Map<String, Long> sentUpTo,
        Map<String, List<Long>> skip,
        List<PendingRelease> releases,
        Map<String, Map<Long, Integer>> packetIds,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<SharedInFlight> shared) {

    public static final DeliveryState EMPTY =
            new DeliveryState(Map.of(), Map.of(), Map.of(), List.of(), Map.of(), List.of());

    /** Fields missing from a stored record (an older node's, or a partial one) read as empty. */
    @JsonCreator
    public DeliveryState {
        committed = committed == null ? Map.of() : committed;
        sentUpTo = sentUpTo == null ? Map.of() : sentUpTo;
        skip = skip == null ? Map.of() : skip;
        releases = releases == null ? List.of() : releases;
        packetIds = packetIds == null ? Map.of() : packetIds;
        shared = shared == null ? List.of() : shared;
    }

    /** Progress without shared subscriptions' messages in flight. */
    public DeliveryState(
            Map<String, Long> committed,
            Map<String, Long> sentUpTo,
            Map<String, List<Long>> skip,
            List<PendingRelease> releases,
            Map<String, Map<Long, Integer>> packetIds) {
        this(committed, sentUpTo, skip, releases, packetIds, List.of());
    }

    public record PendingRelease(int packetId, String shard, long offset) {}

    /**
     * A QoS 2 message of a shared subscription in flight to this member: its share-group record (accepted in its
     * share group once the member took it, so no other member gets it [MQTT-4.8.2-5]) and how far the exchange got.
     *
     * @param packetId        the packet id it was sent with, used again when it is re-sent [MQTT-4.4.0-1]
     * @param partition       the record's partition ({@code topic:partition}), read again by offset to re-send it
     * @param offset          the record's offset
     * @param released        PUBREC received: PUBREL is owed, not the message
     * @param retain          the RETAIN flag it went out with
     * @param subscriptionIds the subscription identifiers it went out with
     * @param shareGroup      set only in the records stored before the share group's ACCEPT is given (the member's
     *                        first record listing it): each such record commits with a marker "this share-group
     *                        record reached a member" (see {@code kafka.ShareTakenMarkers}), so that a redelivery of
     *                        the record after a crash is recognised; null in every later record
     */
    public record SharedInFlight(
            int packetId,
            String partition,
            long offset,
            boolean released,
            boolean retain,
            List<Integer> subscriptionIds,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            String shareGroup) {

        public SharedInFlight {
            subscriptionIds = subscriptionIds == null ? List.of() : List.copyOf(subscriptionIds);
        }

        /** One whose share-group ACCEPT is no longer waiting for a stored record. */
        public SharedInFlight(
                int packetId,
                String partition,
                long offset,
                boolean released,
                boolean retain,
                List<Integer> subscriptionIds) {
            this(packetId, partition, offset, released, retain, subscriptionIds, null);
        }

        /** The same without its marker: a resumed session never writes the marker again. */
        public SharedInFlight withoutMarker() {
            return shareGroup == null
                    ? this
                    : new SharedInFlight(packetId, partition, offset, released, retain, subscriptionIds);
        }
    }
}
