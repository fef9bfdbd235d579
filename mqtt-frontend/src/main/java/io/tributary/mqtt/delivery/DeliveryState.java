/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import java.util.List;
import java.util.Map;

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
 */
public record DeliveryState(
        Map<String, Long> committed,
        Map<String, Long> sentUpTo,
        Map<String, List<Long>> skip,
        List<PendingRelease> releases,
        Map<String, Map<Long, Integer>> packetIds) {

    public static final DeliveryState EMPTY = new DeliveryState(Map.of(), Map.of(), Map.of(), List.of(), Map.of());

    /** Fields missing from a stored record (an older node's, or a partial one) read as empty. */
    public DeliveryState {
        committed = committed == null ? Map.of() : committed;
        sentUpTo = sentUpTo == null ? Map.of() : sentUpTo;
        skip = skip == null ? Map.of() : skip;
        releases = releases == null ? List.of() : releases;
        packetIds = packetIds == null ? Map.of() : packetIds;
    }

    public record PendingRelease(int packetId, String shard, long offset) {}
}
