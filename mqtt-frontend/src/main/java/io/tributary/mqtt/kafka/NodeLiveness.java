/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import io.tributary.mqtt.session.SessionState;
import io.tributary.mqtt.session.SessionStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which nodes are alive, and who takes care of the sessions of a node that died. The nodes are the members of
 * one Kafka consumer group subscribed to the sessions topic ({@code client.id} = node id); the topic's
 * partitions are session shards, one live node each. Nothing is consumed through the group (its partitions
 * stay paused: the compacted tail reads the topic); it exists for Kafka's failure detection and assignment.
 *
 * <p>After every rebalance a node looks at the sessions of its shards that are still marked connected at a
 * node that is no longer a member, and stores them as offline from now, owned by itself with the next epoch:
 * their session expiry starts, and a client that comes back resumes without waiting for a hand-over. The
 * will stored in such a record (and in an offline record whose will the dead node had not yet published) goes
 * to the {@link #onSessionTakenOver} listener, the node's {@link WillPublisher} (see docs/architecture.md,
 * "Wills of a dead node").
 *
 * <p>Its consumer loop is not a tail, so it is no {@code CompactedTopicLog}: it reads no record (its partitions
 * stay paused), and {@code poll} only drives the group's heartbeats and the rebalance callback. The log needs
 * no group and this loop is nothing but one. What it knows about sessions it takes from the {@link SessionStore},
 * which the node's {@code CompactedTopicLog} of the sessions topic feeds.
 */
public final class NodeLiveness implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeLiveness.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Admin admin;
    private final SessionStore store;
    private final String topic;
    private final int partitions;
    private final String nodeId;
    private final String groupId;
    private final long claimTimeoutMs;
    private volatile boolean running = true;
    private volatile boolean crashing;
    private volatile java.util.function.Consumer<SessionState> takenOver = s -> {};
    private volatile java.util.function.Consumer<String> fenceNode = node -> {};
    private volatile Membership membership = new Membership() {};
    private Thread thread;

    public NodeLiveness(
            Map<String, Object> clientProps,
            Admin admin,
            SessionStore store,
            String sessionsTopic,
            int partitions,
            String nodeId,
            int timeoutMs) {
        this.admin = admin;
        this.store = store;
        this.topic = sessionsTopic;
        this.partitions = partitions;
        this.nodeId = nodeId;
        this.groupId = groupId(sessionsTopic);
        this.claimTimeoutMs = Math.max(5_000, timeoutMs);
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, nodeId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(100, timeoutMs / 4));
        // Eager: every member is told of a rebalance (onPartitionsRevoked) before a joining node's join completes,
        // which is what lets a sole node decide claims alone (session.SoleNodeClaims).
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Called on the liveness thread with the id of each dead node whose sessions this node takes over, before it
     * does: fences the node's transactional id (blocking), so that a zombie of it can no longer commit.
     */
    public void onNodeTakenOver(java.util.function.Consumer<String> fence) {
        this.fenceNode = fence;
    }

    /** Called (on the sessions tail's thread) with each session this node took over from a dead node, as stored. */
    public void onSessionTakenOver(java.util.function.Consumer<SessionState> listener) {
        this.takenOver = listener;
    }

    /** What a node learns of the group's members, on the liveness thread (session.SoleNodeClaims). */
    public interface Membership {
        /** A rebalance begins: this node rejoins once this returns (a joining node waits for that). */
        default void rebalancing() {}

        /** A rebalance is done: the live nodes, this one included; null when they could not be listed. */
        default void members(@Nullable Set<String> alive) {}
    }

    /** Called on the liveness thread around every rebalance. */
    public void onMembership(Membership listener) {
        this.membership = listener;
    }

    /** Joins the group; from then on, runs the check after every rebalance on a thread of its own. */
    public void start() {
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                membership.rebalancing();
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                consumer.pause(assigned); // membership only: the compacted tail reads this topic
                Set<String> alive = liveNodesOrNull();
                membership.members(alive);
                if (alive != null) {
                    takeOverSessionsOfDeadNodes(consumer.assignment(), alive);
                }
            }
        });
        thread = new Thread(this::run, "tributary-liveness");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                consumer.poll(Duration.ofMillis(500));
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("Node liveness stopped: sessions of nodes that die are no longer taken care of", e);
            }
        } finally {
            consumer.close(CloseOptions.groupMembershipOperation(
                            crashing
                                    ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
                                    : CloseOptions.GroupMembershipOperation.DEFAULT)
                    .withTimeout(Duration.ofSeconds(2)));
        }
    }

    private @Nullable Set<String> liveNodesOrNull() {
        try {
            return liveNodes();
        } catch (Exception e) {
            LOG.warn("Could not list the live nodes: {}", e.toString());
            return null;
        }
    }

    private void takeOverSessionsOfDeadNodes(Set<TopicPartition> shards, Set<String> alive) {
        Set<Integer> mine = new HashSet<>();
        for (TopicPartition tp : shards) {
            mine.add(tp.partition());
        }
        if (mine.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        Set<String> fenced = new HashSet<>();
        for (SessionState s : store.all()) {
            // Connected at a dead node, or offline there with a will it had not published yet.
            boolean orphan = s.disconnectedAtMillis() == 0 || s.will() != null;
            if (!orphan
                    || s.owner() == null
                    || s.owner().equals(nodeId)
                    || alive.contains(s.owner())
                    || !mine.contains(shardOf(s.clientId()))) {
                continue;
            }
            if (fenced.add(s.owner())) {
                // Before its sessions change hands: a zombie of that node can no longer commit (a will, a record).
                fenceNode.accept(s.owner());
            }
            long disconnectedAt = s.disconnectedAtMillis() == 0 ? now : s.disconnectedAtMillis();
            LOG.info(
                    "Node {} is gone: session {} is offline from {}, owned by this node{}",
                    s.owner(),
                    s.clientId(),
                    disconnectedAt,
                    s.will() == null ? "" : ", with its will");
            SessionState taken = s.with(nodeId, s.epoch() + 1, disconnectedAt, null);
            // Its will goes on only once the claim is read back as the first of its epoch: a client that came back
            // on another node at the same moment, or another node's take-over, may have claimed it first.
            store.saveClaim(taken, claimTimeoutMs).whenComplete((won, e) -> {
                if (e == null && won) {
                    takenOver.accept(taken);
                } else {
                    LOG.info("Session {} was claimed by another node first", s.clientId());
                }
            });
        }
    }

    private Set<String> liveNodes() throws Exception {
        Set<String> alive = new HashSet<>(members(admin, groupId));
        alive.add(nodeId);
        return alive;
    }

    /** The group of the nodes that share a sessions topic. */
    public static String groupId(String sessionsTopic) {
        return sessionsTopic + ".nodes";
    }

    /**
     * The ids of the live nodes of the cluster whose sessions topic this is: the members of its group.
     * Blocking (asks the group coordinator); never call it on an event loop.
     */
    public static Set<String> liveNodes(Admin admin, String sessionsTopic) {
        try {
            return members(admin, groupId(sessionsTopic));
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                return Set.of();
            }
            throw new IllegalStateException("cannot describe the nodes' group: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the nodes' group was not described within 10 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> members(Admin admin, String groupId)
            throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException,
                    InterruptedException {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId))
                .describedGroups()
                .get(groupId)
                .get(10, TimeUnit.SECONDS);
        Set<String> alive = new java.util.TreeSet<>();
        for (MemberDescription m : group.members()) {
            alive.add(m.clientId());
        }
        return alive;
    }

    /** The partition the producer's default partitioner puts a session record in. */
    private int shardOf(String clientId) {
        return Utils.toPositive(Utils.murmur2(clientId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** For a crash test: stops without leaving the group, so the others notice only by the session timeout. */
    public void crash() {
        crashing = true;
        close();
    }

    @Override
    public void close() {
        running = false;
        if (thread == null) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
