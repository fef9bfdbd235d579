/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;

/**
 * Where a new share group starts reading. Kafka starts a share partition it has no state for at
 * {@code share.auto.offset.reset} (latest by default) when a member first fetches it, which is some time after
 * the member joined: a message published in between, after the SUBACK, would be missed. So before the first
 * local member's SUBACK, a group without stored offsets gets its start set explicitly to the current end of
 * every partition (Admin {@code alterShareGroupOffsets}, allowed while the group has no members). A group that
 * already has offsets, on any node, keeps them: that is the backlog it kept while no member was connected.
 */
public final class ShareGroupStart {

    private static final long TIMEOUT_MS = 30_000;

    /** The share group config that decides whether members see records of open or aborted transactions. */
    public static final String ISOLATION_LEVEL_CONFIG = "share.isolation.level";

    private final Admin admin;
    private final Set<String> topics;
    private final List<TopicPartition> partitions;

    public ShareGroupStart(Admin admin, Set<String> topics, List<TopicPartition> partitions) {
        this.admin = admin;
        this.topics = Set.copyOf(topics);
        this.partitions = List.copyOf(partitions);
    }

    public Set<String> topics() {
        return topics;
    }

    /**
     * Makes the group read committed records only, then sets its start to the end of its partitions unless it has
     * stored offsets. Blocking.
     */
    public void initialise(String groupId) {
        try {
            readCommitted(groupId);
            if (hasOffsets(groupId)) {
                return;
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
            admin.alterShareGroupOffsets(groupId, ends).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupNotEmptyException) {
                return; // members elsewhere: the group is running and has its start already
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Kafka in " + TIMEOUT_MS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * QoS 2 messages are written in Kafka transactions: a share group reads uncommitted records unless its group
     * config {@code share.isolation.level} says otherwise, and an aborted message would reach a shared subscription.
     * Set on every first local member (idempotent), so that groups created before this setting get it too.
     */
    private void readCommitted(String groupId) throws ExecutionException, InterruptedException, TimeoutException {
        admin.incrementalAlterConfigs(Map.of(
                        new ConfigResource(ConfigResource.Type.GROUP, groupId),
                        List.of(new AlterConfigOp(
                                new ConfigEntry(ISOLATION_LEVEL_CONFIG, "read_committed"), AlterConfigOp.OpType.SET))))
                .all()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private boolean hasOffsets(String groupId) throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, SharePartitionOffsetInfo> offsets;
        try {
            offsets = admin.listShareGroupOffsets(Map.of(groupId, new ListShareGroupOffsetsSpec()))
                    .partitionsToOffsetInfo(groupId)
                    .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return false;
            }
            throw e;
        }
        return offsets.values().stream().anyMatch(o -> o != null && o.startOffset() >= 0);
    }
}
