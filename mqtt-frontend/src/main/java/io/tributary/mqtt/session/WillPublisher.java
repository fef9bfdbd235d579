/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tributary.mqtt.publish.IngestService;
import io.tributary.mqtt.publish.Message;
import io.tributary.mqtt.publish.MessageProperties;

/**
 * Publishes will messages after an unclean close, after the MQTT 5 will delay (bounded by the session
 * expiry); a reconnect of the same client before then cancels it [MQTT-3.1.3-9].
 */
public final class WillPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(WillPublisher.class);

    private final IngestService ingest;
    private final ScheduledExecutorService timer;
    private final Map<String, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();

    public WillPublisher(IngestService ingest, ScheduledExecutorService timer) {
        this.ingest = ingest;
        this.timer = timer;
    }

    public void schedule(String clientId, Will will, long sessionExpirySeconds) {
        long delay = Math.min(will.delaySeconds(), sessionExpirySeconds);
        if (delay <= 0) {
            publish(clientId, will);
            return;
        }
        pending.put(clientId, timer.schedule(() -> {
            pending.remove(clientId);
            publish(clientId, will);
        }, delay, TimeUnit.SECONDS));
    }

    public void cancel(String clientId) {
        ScheduledFuture<?> f = pending.remove(clientId);
        if (f != null) {
            f.cancel(false);
        }
    }

    private void publish(String clientId, Will will) {
        Message message = atPublication(will.message(), System.currentTimeMillis());
        ingest.publish(message).whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("Will message of {} to {} could not be written to Kafka: {}", clientId,
                        will.message().topic(), e.toString());
            }
        });
    }

    /**
     * The will as published now: its Message Expiry Interval, kept as a lifetime by ConnectGate, counts from
     * this moment (MQTT 5 section 3.1.3.2.4).
     */
    static Message atPublication(Message will, long nowMillis) {
        MessageProperties p = will.properties();
        if (p.expiresAtMillis() == 0) {
            return will;
        }
        MessageProperties props = new MessageProperties(p.payloadUtf8(), p.contentType(),
                nowMillis + p.expiresAtMillis(), p.responseTopic(), p.correlationData(), p.userProperties());
        return new Message(will.topic(), will.payload(), will.qos(), will.retain(), will.publisher(), props);
    }
}
