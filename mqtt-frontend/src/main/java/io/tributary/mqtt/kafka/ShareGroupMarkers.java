/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicIdPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One share group's use of the node's {@link ShareTakenMarkers}, on the thread of its {@link ShareGroupReader}: a
 * redelivered QoS 2 record with a marker is accepted without being delivered, and a marker is removed once the
 * ACCEPT of its record is committed. Reader-thread confined (the share consumer calls {@link #committed} from its
 * poll and commit calls, on that thread).
 */
final class ShareGroupMarkers {

    private static final Logger LOG = LoggerFactory.getLogger(ShareGroupMarkers.class);

    private final String groupId;
    private final ShareTakenMarkers markers;
    /** Marked records ACCEPTed and not yet known committed: their markers are removed once they are. */
    private final Set<ShareTakenMarkers.Key> uncommitted = new HashSet<>();

    ShareGroupMarkers(String groupId, ShareTakenMarkers markers) {
        this.groupId = groupId;
        this.markers = markers;
    }

    /**
     * Before the records of a poll are handed out: when one of them comes back (delivered before), every marker
     * committed up to now is read first. A marker commits before the ACCEPT it guards is even sent, so long before the
     * record's lock ran out and the group gave it out again; waiting at most half the lock keeps this poll's records
     * ours to settle.
     */
    void beforeDispatch(ConsumerRecords<byte[], byte[]> records, long lockMs) {
        if (ShareTakenMarkers.anyRedelivered(records)) {
            markers.awaitCurrent(lockMs / 2);
        }
    }

    /** True when a member took this redelivered record before: it is to be accepted, not delivered again. */
    boolean takenBefore(ConsumerRecord<byte[], byte[]> record) {
        if (!markers.taken(groupId, record)) {
            return false;
        }
        LOG.info(
                "Share group {}: record {}-{}@{} came back after a member had taken it; accepted, not delivered again",
                groupId,
                record.topic(),
                record.partition(),
                record.offset());
        return true;
    }

    /** A marked record was acknowledged with ACCEPT: its marker goes once the ACCEPT is committed. */
    void accepted(ConsumerRecord<?, ?> record) {
        uncommitted.add(ShareTakenMarkers.key(groupId, record));
    }

    /**
     * Kafka committed (or refused) acknowledgements: the markers of committed ACCEPTs are removed. A refused one (the
     * lock ran out first) keeps its marker: the record comes back, and the marker keeps it from another member.
     */
    void committed(Map<TopicIdPartition, Set<Long>> offsets, @Nullable Exception failed) {
        if (uncommitted.isEmpty()) {
            return;
        }
        offsets.forEach((tp, committed) -> {
            for (long offset : committed) {
                ShareTakenMarkers.Key key = new ShareTakenMarkers.Key(groupId, tp.topic(), tp.partition(), offset);
                if (uncommitted.remove(key) && failed == null) {
                    markers.forget(key);
                }
            }
        });
    }
}
