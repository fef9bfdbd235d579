/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import io.tributary.mqtt.delivery.DeliveryState.SharedInFlight;
import io.tributary.mqtt.delivery.Shards;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "This share-group record reached a member": one marker per (share group, partition, offset) of a QoS 2 message a
 * member of a shared subscription took, so that the record, should it come back to its group after a crash, reaches
 * no second member [MQTT-4.8.2-5].
 *
 * <p>A marker is a record of the sessions topic, committed in the same Kafka transaction as the first session record
 * listing the message as the member's ({@code SharedInFlight.shareGroup} set, see {@code KafkaSessionLog}); the
 * share group's ACCEPT is sent only after that commit. So after any crash either both are in Kafka or neither: a
 * member whose stored session owes it the message, or a group free to give the record to anyone. The ACCEPT once
 * committed, the marker is removed (a tombstone). Every node tails the sessions topic, so every node knows the
 * markers; they are few, as each lives from one transaction to the next ACCEPT commit.
 *
 * <p>Only a redelivery (the record's delivery count above 1) needs the check: a first delivery cannot have reached
 * anyone. A redelivery comes after the record's acquisition lock ran out, long after its marker committed; still, the
 * reader first reads the sessions topic up to its end as of now ({@link #awaitCurrent}) before it decides.
 */
public final class ShareTakenMarkers {

    private static final Logger LOG = LoggerFactory.getLogger(ShareTakenMarkers.class);

    /**
     * The header that tells a marker from a session record: clients choose keys (client ids), never headers, so no
     * client can write a marker.
     */
    public static final String HEADER = "tributary.share-taken";

    private static final byte[] MARKER = {1};
    private static final String KEY_PREFIX = "\u0000share-taken\u0000";

    /** A share-group record: the group that delivered it and its place in a message topic. */
    public record Key(String group, String topic, int partition, long offset) {

        /** NUL-separated: a client id cannot contain U+0000 [MQTT-1.5.4-2], nor can a share group id. */
        byte[] bytes() {
            return (KEY_PREFIX + group + "\u0000" + topic + "\u0000" + partition + "\u0000" + offset)
                    .getBytes(StandardCharsets.UTF_8);
        }

        static @Nullable Key parse(byte[] bytes) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (!text.startsWith(KEY_PREFIX)) {
                return null;
            }
            String[] parts = text.substring(KEY_PREFIX.length()).split("\u0000");
            if (parts.length != 4) {
                return null;
            }
            try {
                return new Key(parts[0], parts[1], Integer.parseInt(parts[2]), Long.parseLong(parts[3]));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    private final Set<Key> taken = ConcurrentHashMap.newKeySet();
    private final TransactionalWriter transactions;
    private final Admin admin;
    private final String sessionsTopic;
    private final int sessionPartitions;
    /** The sessions topic's tail: completes once it has read past an offset of a partition. */
    private volatile BiFunction<TopicPartition, Long, CompletableFuture<Void>> tail =
            (tp, offset) -> CompletableFuture.failedFuture(new IllegalStateException("the sessions topic is not read"));

    public ShareTakenMarkers(
            TransactionalWriter transactions, Admin admin, String sessionsTopic, int sessionPartitions) {
        this.transactions = transactions;
        this.admin = admin;
        this.sessionsTopic = sessionsTopic;
        this.sessionPartitions = sessionPartitions;
    }

    /** The marker that commits with a session record listing {@code s} while its ACCEPT waits for that record. */
    static ProducerRecord<byte[], byte[]> marker(String sessionsTopic, SharedInFlight s, String clientId) {
        TopicPartition tp = Shards.parse(s.partition());
        Key key = new Key(s.shareGroup(), tp.topic(), tp.partition(), s.offset());
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                sessionsTopic, key.bytes(), clientId.getBytes(StandardCharsets.UTF_8)); // whose it is, for people
        record.headers().add(HEADER, MARKER);
        return record;
    }

    static boolean isMarker(ConsumerRecord<byte[], byte[]> record) {
        return record.headers().lastHeader(HEADER) != null;
    }

    static Key key(String group, ConsumerRecord<?, ?> record) {
        return new Key(group, record.topic(), record.partition(), record.offset());
    }

    /** True when a record of the poll was delivered before (delivery count above 1). */
    static boolean anyRedelivered(ConsumerRecords<?, ?> records) {
        for (ConsumerRecord<?, ?> r : records) {
            if (r.deliveryCount().orElse((short) 1) > 1) {
                return true;
            }
        }
        return false;
    }

    /**
     * The sessions topic's tail callback: markers go here, everything else to {@code sessions}. Tail thread.
     */
    public Consumer<ConsumerRecord<byte[], byte[]>> routing(Consumer<ConsumerRecord<byte[], byte[]>> sessions) {
        return record -> {
            if (isMarker(record)) {
                apply(record);
            } else {
                sessions.accept(record);
            }
        };
    }

    /** Follows the tail of the sessions topic (a {@code CompactedTopicLog::awaitRead}). */
    public void readBy(BiFunction<TopicPartition, Long, CompletableFuture<Void>> awaitRead) {
        this.tail = awaitRead;
    }

    void apply(ConsumerRecord<byte[], byte[]> record) {
        Key key = record.key() == null ? null : Key.parse(record.key());
        if (key == null) {
            LOG.warn("Ignoring a share marker without a readable key at {}@{}", record.partition(), record.offset());
        } else if (record.value() == null) {
            taken.remove(key);
        } else {
            taken.add(key);
        }
    }

    /** Whether a member took this record of {@code group} (a marker is known). Call after {@link #awaitCurrent}. */
    boolean taken(String group, ConsumerRecord<?, ?> record) {
        return record.deliveryCount().orElse((short) 1) > 1 && taken.contains(key(group, record));
    }

    /** Markers known to this node. */
    public int size() {
        return taken.size();
    }

    /**
     * Waits until the tail has read every partition of the sessions topic up to its committed end as of now, so that
     * every marker committed before this call is known. Blocking (a share group reader's own thread). When Kafka does
     * not answer in time, the decision is taken with what is known, and logged: the record may then reach a second
     * member (at least once).
     */
    void awaitCurrent(long timeoutMs) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < sessionPartitions; p++) {
            latest.put(new TopicPartition(sessionsTopic, p), OffsetSpec.latest());
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        try {
            List<CompletableFuture<Void>> reads = new ArrayList<>();
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all()
                    .get(timeoutMs, TimeUnit.MILLISECONDS)
                    .forEach((tp, end) -> {
                        if (end.offset() > 0) {
                            reads.add(tail.apply(tp, end.offset() - 1));
                        }
                    });
            CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                    .get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn(
                    "Could not read the share markers of {} to their end in {} ms ({}); deciding with what is known",
                    sessionsTopic,
                    timeoutMs,
                    e.toString());
        }
    }

    /** Removes a marker once its record's ACCEPT is committed (a tombstone, through the node's transactions). */
    void forget(Key key) {
        ProducerRecord<byte[], byte[]> tombstone = new ProducerRecord<>(sessionsTopic, key.bytes(), null);
        tombstone.headers().add(HEADER, MARKER);
        // Through the same producer as the session records that carried the marker: none of them lands after it.
        transactions.write(List.of(tombstone)).whenComplete((v, e) -> {
            if (e != null) {
                LOG.debug("Could not remove the share marker {}: {}", key, e.toString());
            }
        });
    }
}
