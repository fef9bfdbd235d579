/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tributary.mqtt.kafka.KafkaSender;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Persistent sessions in the compacted sessions topic, and their expiry. The node reads the topic to its end
 * at start; after that this node is the only writer of the sessions it holds.
 */
public final class SessionStore {

    private static final Logger LOG = LoggerFactory.getLogger(SessionStore.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final KafkaSender sender;
    private final String topic;
    private final ScheduledExecutorService timer;
    private final Map<String, SessionState> sessions = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> expiries = new ConcurrentHashMap<>();

    public SessionStore(KafkaSender sender, String topic, ScheduledExecutorService timer) {
        this.sender = sender;
        this.topic = topic;
        this.timer = timer;
    }

    /** Replays one record of the sessions topic (used while loading at start). */
    public void load(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            LOG.warn("Ignoring session record without a client id at {}-{}@{}", record.topic(), record.partition(),
                    record.offset());
            return;
        }
        String clientId = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            sessions.remove(clientId);
            return;
        }
        try {
            SessionState state = JSON.readValue(record.value(), SessionState.class);
            if (!clientId.equals(state.clientId()) || state.subscriptions() == null || state.delivery() == null
                    || state.qos2Received() == null) {
                LOG.warn("Ignoring incomplete session record for client {} at {}-{}@{}", clientId, record.topic(),
                        record.partition(), record.offset());
                return;
            }
            sessions.put(clientId, state);
        } catch (IOException e) {
            LOG.warn("Ignoring unreadable session record for client {} at {}-{}@{}: {}", clientId, record.topic(),
                    record.partition(), record.offset(), e.getMessage());
        }
    }

    /** After loading: sessions whose node stopped without storing a disconnect are offline from now on. */
    public void startExpiryTimers(long nowMillis) {
        for (SessionState s : sessions.values()) {
            SessionState offline = s.disconnectedAtMillis() == 0 ? withDisconnect(s, nowMillis) : s;
            sessions.put(s.clientId(), offline);
            scheduleExpiry(offline);
        }
    }

    private static SessionState withDisconnect(SessionState s, long at) {
        return new SessionState(s.version(), s.clientId(), s.protocolLevel(), s.expiryIntervalSeconds(),
                s.subscriptions(), s.delivery(), s.qos2Received(), s.owner(), s.epoch(), at);
    }

    public @Nullable SessionState get(String clientId) {
        return sessions.get(clientId);
    }

    public int size() {
        return sessions.size();
    }

    /** Writes the full state; completes when Kafka has it. */
    public CompletableFuture<Void> save(SessionState state) {
        sessions.put(state.clientId(), state);
        cancelExpiry(state.clientId());
        if (state.disconnectedAtMillis() != 0) {
            scheduleExpiry(state);
        }
        return send(state.clientId(), serialize(state));
    }

    /** Forgets the session (tombstone). */
    public CompletableFuture<Void> delete(String clientId) {
        cancelExpiry(clientId);
        if (sessions.remove(clientId) == null) {
            return CompletableFuture.completedFuture(null);
        }
        return send(clientId, null);
    }

    private CompletableFuture<Void> send(String clientId, byte @Nullable [] value) {
        CompletableFuture<Void> done = sender.send(
                new ProducerRecord<>(topic, clientId.getBytes(StandardCharsets.UTF_8), value));
        done.whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("Could not store session {}: {}", clientId, e.toString());
            }
        });
        return done;
    }

    private void scheduleExpiry(SessionState state) {
        long at = state.expiresAtMillis();
        if (at == Long.MAX_VALUE) {
            return;
        }
        long delay = Math.max(0, at - System.currentTimeMillis());
        expiries.put(state.clientId(), timer.schedule(() -> expire(state), delay, TimeUnit.MILLISECONDS));
    }

    private void expire(SessionState expected) {
        SessionState current = sessions.get(expected.clientId());
        if (current != null && current.epoch() == expected.epoch() && current.disconnectedAtMillis() != 0) {
            LOG.info("Session {} expired", expected.clientId());
            delete(expected.clientId());
        }
    }

    private void cancelExpiry(String clientId) {
        ScheduledFuture<?> f = expiries.remove(clientId);
        if (f != null) {
            f.cancel(false);
        }
    }

    static byte[] serialize(SessionState state) {
        try {
            return JSON.writeValueAsBytes(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
