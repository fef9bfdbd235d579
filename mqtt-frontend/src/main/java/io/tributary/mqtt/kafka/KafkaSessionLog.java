/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.mqtt.delivery.DeliveryState.SharedInFlight;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.session.SessionChange;
import io.tributary.mqtt.session.SessionLog;
import io.tributary.mqtt.session.SessionState;
import io.tributary.mqtt.session.SessionStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions topic in Kafka: key = client id, value = the session's full state as JSON (tombstone deletes),
 * and a header naming the node that wrote the record, so that a node skips its own writes when it tails them.
 */
public final class KafkaSessionLog implements SessionLog {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSessionLog.class);
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Header naming the node that wrote a session record. */
    public static final String WRITER_HEADER = "tributary.node";

    private final KafkaSender sender;
    private final @Nullable TransactionalWriter transactions;
    private final String topic;
    private final byte[] writer;

    public KafkaSessionLog(KafkaSender sender, String topic, String nodeId) {
        this(sender, null, topic, nodeId);
    }

    /**
     * @param transactions when set, every session record goes through it (one producer, so a node's records of one
     *                     session stay in the order they were made), and QoS 2 messages commit with their session
     */
    public KafkaSessionLog(
            KafkaSender sender, @Nullable TransactionalWriter transactions, String topic, String nodeId) {
        this.sender = sender;
        this.transactions = transactions;
        this.topic = topic;
        this.writer = nodeId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public CompletableFuture<Void> write(String clientId, @Nullable SessionState state) {
        ProducerRecord<byte[], byte[]> record = record(clientId, state);
        return transactions != null ? transactions.write(withMarkers(state, record)) : sender.send(record);
    }

    @Override
    public boolean transactional() {
        return transactions != null;
    }

    @Override
    public CompletableFuture<Void> writeWithMessage(SessionState state, TopicRouter.Route route, Message message) {
        if (transactions == null) {
            return SessionLog.super.writeWithMessage(state, route, message);
        }
        List<ProducerRecord<byte[], byte[]>> records = withMarkers(state, record(state.clientId(), state));
        records.add(0, KafkaMessageLog.record(route, message));
        return transactions.write(records);
    }

    @Override
    public CompletableFuture<Void> deleteWithMessage(String clientId, TopicRouter.Route route, Message message) {
        if (transactions == null) {
            return SessionLog.super.deleteWithMessage(clientId, route, message);
        }
        return transactions.write(List.of(KafkaMessageLog.record(route, message), record(clientId, null)));
    }

    /**
     * The session record, after a marker for each shared QoS 2 message it lists whose share-group ACCEPT waits for
     * this record ({@code SharedInFlight.shareGroup} set): one transaction commits both (see ShareTakenMarkers).
     */
    private List<ProducerRecord<byte[], byte[]>> withMarkers(
            @Nullable SessionState state, ProducerRecord<byte[], byte[]> record) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(2);
        if (state != null && state.delivery() != null) {
            for (SharedInFlight s : state.delivery().shared()) {
                if (s.shareGroup() != null) {
                    records.add(ShareTakenMarkers.marker(topic, s, state.clientId()));
                }
            }
        }
        records.add(record);
        return records;
    }

    private ProducerRecord<byte[], byte[]> record(String clientId, @Nullable SessionState state) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                topic, clientId.getBytes(StandardCharsets.UTF_8), state == null ? null : serialize(state));
        record.headers().add(WRITER_HEADER, writer);
        return record;
    }

    public static byte[] serialize(SessionState state) {
        try {
            return JSON.writeValueAsBytes(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The change a record of the sessions topic makes, or null (logged) for a record no node could have written. */
    public static @Nullable SessionChange replay(ConsumerRecord<byte[], byte[]> record) {
        if (ShareTakenMarkers.isMarker(record)) {
            return null; // not a session: a shared subscription's marker (ShareTakenMarkers)
        }
        if (record.key() == null) {
            LOG.warn(
                    "Ignoring session record without a client id at {}-{}@{}",
                    record.topic(),
                    record.partition(),
                    record.offset());
            return null;
        }
        String clientId = new String(record.key(), StandardCharsets.UTF_8);
        Header header = record.headers().lastHeader(WRITER_HEADER);
        String writer = header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            return new SessionChange(clientId, writer, null);
        }
        try {
            SessionState state = JSON.readValue(record.value(), SessionState.class);
            if (!clientId.equals(state.clientId())
                    || state.subscriptions() == null
                    || state.delivery() == null
                    || state.qos2Received() == null) {
                LOG.warn(
                        "Ignoring incomplete session record for client {} at {}-{}@{}",
                        clientId,
                        record.topic(),
                        record.partition(),
                        record.offset());
                return null;
            }
            return new SessionChange(clientId, writer, state);
        } catch (IOException e) {
            LOG.warn(
                    "Ignoring unreadable session record for client {} at {}-{}@{}: {}",
                    clientId,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
            return null;
        }
    }

    /** What the topic's tail does with each record: replays it into the store, skipping what no node wrote. */
    public static java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> replayInto(SessionStore store) {
        return record -> {
            SessionChange change = replay(record);
            if (change != null) {
                store.apply(change);
            }
        };
    }
}
