/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.mqtt.session.SessionChange;
import io.tributary.mqtt.session.SessionLog;
import io.tributary.mqtt.session.SessionState;
import io.tributary.mqtt.session.SessionStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
    private final String topic;
    private final byte[] writer;

    public KafkaSessionLog(KafkaSender sender, String topic, String nodeId) {
        this.sender = sender;
        this.topic = topic;
        this.writer = nodeId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public CompletableFuture<Void> write(String clientId, @Nullable SessionState state) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                topic, clientId.getBytes(StandardCharsets.UTF_8), state == null ? null : serialize(state));
        record.headers().add(WRITER_HEADER, writer);
        return sender.send(record);
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
