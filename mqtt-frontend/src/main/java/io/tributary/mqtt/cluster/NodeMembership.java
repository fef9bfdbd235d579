/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ClassicGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's membership of the cluster, through Kafka's own group membership rather than a protocol of ours:
 * every node joins the consumer group {@code tributary-nodes.<sessions topic>} subscribed to the sessions
 * topic, so the partitions of that topic — the <em>session shards</em> — are spread over the live nodes by
 * the group coordinator. A node that stops leaves the group at once; a node that dies is dropped after the
 * session timeout, and its shards move to the others, whose listener hears {@link Listener#assigned}.
 *
 * <p>The consumer only heartbeats: its partitions are paused, it fetches nothing and commits nothing. The
 * group's members are the live nodes ({@link #liveNodes}), named by their client id.
 */
public final class NodeMembership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeMembership.class);
    static final String CLIENT_ID_PREFIX = "tributary-member-";

    /** Hears which session shards this node is responsible for; called on the membership thread. */
    public interface Listener {
        void assigned(Collection<Integer> shards);

        void revoked(Collection<Integer> shards);
    }

    private final Map<String, Object> props;
    private final String topic;
    private final String groupId;
    private final Listener listener;
    private final Thread thread;
    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    private final Set<Integer> owned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    public NodeMembership(Map<String, Object> clientProps, String sessionsTopic, String nodeId, int sessionTimeoutMs,
                          Listener listener) {
        this.topic = sessionsTopic;
        this.groupId = groupId(sessionsTopic);
        this.listener = listener;
        this.props = new HashMap<>(clientProps);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, CLIENT_ID_PREFIX + nodeId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(500, sessionTimeoutMs / 4));
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Math.max(30_000, sessionTimeoutMs * 3));
        this.thread = new Thread(this::run, "tributary-membership");
        thread.setDaemon(true);
    }

    /** The group of the nodes sharing a sessions topic. */
    public static String groupId(String sessionsTopic) {
        return "tributary-nodes." + sessionsTopic;
    }

    /** Joins the group; the returned future completes at the first assignment. */
    public CompletableFuture<Void> start() {
        thread.start();
        return joined;
    }

    /** The session shards (partitions of the sessions topic) this node is responsible for now. */
    public Set<Integer> ownedShards() {
        return Set.copyOf(owned);
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    List<Integer> ids = partitions.stream().map(TopicPartition::partition).toList();
                    owned.removeAll(ids);
                    if (!ids.isEmpty()) {
                        safely(() -> listener.revoked(ids));
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    c.pause(partitions); // heartbeat only: nothing is fetched
                    List<Integer> ids = partitions.stream().map(TopicPartition::partition).toList();
                    owned.addAll(ids);
                    LOG.info("Session shards of this node: {}", new TreeSet<>(owned));
                    if (!ids.isEmpty()) {
                        safely(() -> listener.assigned(ids));
                    }
                    joined.complete(null);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    onPartitionsRevoked(partitions);
                }
            });
            while (running) {
                try {
                    c.poll(Duration.ofMillis(200));
                } catch (WakeupException e) {
                    // closing
                } catch (RuntimeException e) {
                    LOG.warn("Membership poll failed, retrying: {}", e.toString());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Membership of group {} ended: {}", groupId, e.toString());
            joined.completeExceptionally(e);
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("Membership listener failed: {}", e.toString(), e);
        }
    }

    /**
     * The node ids of the group's members: the live nodes. Asks the group coordinator; blocking, so never on
     * an event loop.
     */
    public static Set<String> liveNodes(Admin admin, String sessionsTopic) {
        String group = groupId(sessionsTopic);
        try {
            // The nodes join with the classic protocol (it lets them choose their session timeout).
            ClassicGroupDescription d = admin.describeClassicGroups(List.of(group)).describedGroups().get(group)
                    .get(10, TimeUnit.SECONDS);
            Set<String> nodes = new TreeSet<>();
            for (MemberDescription m : d.members()) {
                String id = m.clientId();
                nodes.add(id.startsWith(CLIENT_ID_PREFIX) ? id.substring(CLIENT_ID_PREFIX.length()) : id);
            }
            return nodes;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                return Set.of();
            }
            throw new IllegalStateException("cannot describe group " + group + ": " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("group " + group + " not described within 10 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Leaves the group at once (its shards move to the other nodes without waiting for a timeout). */
    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
