/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The few MQTT operations the phases need, over HiveMQ's async API for either protocol version, so
 * each phase is written once. The async API pipelines QoS 1 publishes up to the broker's Receive
 * Maximum, which is what lets a single connection approach the broker's ingest capacity.
 */
public interface BenchClient {

    ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /** Completes when the message is written (QoS 0) or PUBACKed (QoS 1); fails on a rejection. */
    CompletableFuture<Void> publish(String topic, byte[] payload, int qos);

    /**
     * Subscribes and waits for the SUBACK. {@code onPayload} runs on the client's I/O threads, so it
     * must be cheap and thread-safe; the buffer is only valid during the call.
     */
    void subscribe(String filter, int qos, Consumer<ByteBuffer> onPayload) throws Exception;

    /** Best-effort DISCONNECT bounded by the connect timeout; never throws. */
    void disconnect();

    static BenchClient connect(MqttTarget target, String clientId) throws Exception {
        return target.mqttVersion() == 5 ? V5.connect(target, clientId) : V3.connect(target, clientId);
    }

    /**
     * Reconnects to the persistent session {@code clientId} left behind (clean start off), with {@code onPayload}
     * registered before the CONNECT so no message the broker sends right after the CONNACK is missed. Fails when the
     * broker has no session for it any more: a backlog drain from an empty session would measure nothing.
     */
    static BenchClient resume(MqttTarget target, String clientId, Consumer<ByteBuffer> onPayload) throws Exception {
        return target.mqttVersion() == 5
                ? V5.resume(target, clientId, onPayload)
                : V3.resume(target, clientId, onPayload);
    }

    private static MqttQos qos(int qos) {
        final MqttQos level = MqttQos.fromCode(qos);
        if (level == null) {
            throw new IllegalArgumentException("QoS must be 0, 1 or 2, got " + qos);
        }
        return level;
    }

    /** Waits for {@code future} at most the connect timeout, surfacing the cause, not the wrapper. */
    private static <T> T await(CompletableFuture<T> future, MqttTarget target, String what) throws Exception {
        try {
            return future.get(target.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new TimeoutException(what + " to MQTT broker at " + target.address() + " timed out after "
                    + target.connectTimeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            // The root cause ("Connection refused") says what is wrong; the wrappers only add noise.
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            final String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            throw new IllegalStateException(
                    what + " to MQTT broker at " + target.address() + " failed: " + why, e.getCause());
        }
    }

    /** MQTT 5 client. */
    final class V5 implements BenchClient {
        private final Mqtt5AsyncClient client;
        private final MqttTarget target;

        private V5(Mqtt5AsyncClient client, MqttTarget target) {
            this.client = client;
            this.target = target;
        }

        static V5 connect(MqttTarget target, String clientId) throws Exception {
            final Mqtt5AsyncClient client = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier(clientId)
                    .serverHost(target.host())
                    .serverPort(target.port())
                    .buildAsync();
            await(
                    restricted(client.connectWith().cleanStart(true), target)
                            .sessionExpiryInterval(target.sessionExpirySeconds())
                            .send(),
                    target,
                    "CONNECT");
            return new V5(client, target);
        }

        static V5 resume(MqttTarget target, String clientId, Consumer<ByteBuffer> onPayload) throws Exception {
            final Mqtt5AsyncClient client = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier(clientId)
                    .serverHost(target.host())
                    .serverPort(target.port())
                    .buildAsync();
            client.publishes(
                    MqttGlobalPublishFilter.ALL,
                    publish -> onPayload.accept(publish.getPayload().orElse(EMPTY)));
            final boolean sessionPresent = await(
                            restricted(client.connectWith().cleanStart(false), target)
                                    .sessionExpiryInterval(target.sessionExpirySeconds())
                                    .send(),
                            target,
                            "CONNECT")
                    .isSessionPresent();
            if (!sessionPresent) {
                new V5(client, target).disconnect();
                throw new IllegalStateException("the broker kept no session for " + clientId);
            }
            return new V5(client, target);
        }

        /** Announces the target's Receive Maximum, if it sets one. */
        private static Mqtt5ConnectBuilder.Send<CompletableFuture<Mqtt5ConnAck>> restricted(
                Mqtt5ConnectBuilder.Send<CompletableFuture<Mqtt5ConnAck>> connect, MqttTarget target) {
            if (target.receiveMaximum() == 0) {
                return connect;
            }
            return connect.restrictions()
                    .receiveMaximum(target.receiveMaximum())
                    .applyRestrictions();
        }

        @Override
        public CompletableFuture<Void> publish(String topic, byte[] payload, int qos) {
            return client.publishWith()
                    .topic(topic)
                    .qos(qos(qos))
                    .payload(payload)
                    .send()
                    .thenAccept(result -> result.getError().ifPresent(error -> {
                        throw new IllegalStateException("publish rejected: " + error, error);
                    }));
        }

        @Override
        public void subscribe(String filter, int qos, Consumer<ByteBuffer> onPayload) throws Exception {
            final Mqtt5SubAck subAck = await(
                    client.subscribeWith()
                            .topicFilter(filter)
                            .qos(qos(qos))
                            .callback(publish ->
                                    onPayload.accept(publish.getPayload().orElse(EMPTY)))
                            .send(),
                    target,
                    "SUBSCRIBE");
            if (subAck.getReasonCodes().get(0).isError()) {
                throw new IllegalStateException("SUBSCRIBE " + filter + " refused: "
                        + subAck.getReasonCodes().get(0));
            }
        }

        @Override
        public void disconnect() {
            try {
                await(client.disconnect(), target, "DISCONNECT");
            } catch (Exception ignored) {
                // The run is over; a failed DISCONNECT changes no figure.
            }
        }
    }

    /** MQTT 3.1.1 client. */
    final class V3 implements BenchClient {
        private final Mqtt3AsyncClient client;
        private final MqttTarget target;

        private V3(Mqtt3AsyncClient client, MqttTarget target) {
            this.client = client;
            this.target = target;
        }

        static V3 connect(MqttTarget target, String clientId) throws Exception {
            final Mqtt3AsyncClient client = MqttClient.builder()
                    .useMqttVersion3()
                    .identifier(clientId)
                    .serverHost(target.host())
                    .serverPort(target.port())
                    .buildAsync();
            await(
                    client.connectWith()
                            .cleanSession(target.sessionExpirySeconds() == 0)
                            .send(),
                    target,
                    "CONNECT");
            return new V3(client, target);
        }

        static V3 resume(MqttTarget target, String clientId, Consumer<ByteBuffer> onPayload) throws Exception {
            final Mqtt3AsyncClient client = MqttClient.builder()
                    .useMqttVersion3()
                    .identifier(clientId)
                    .serverHost(target.host())
                    .serverPort(target.port())
                    .buildAsync();
            client.publishes(
                    MqttGlobalPublishFilter.ALL,
                    publish -> onPayload.accept(publish.getPayload().orElse(EMPTY)));
            final boolean sessionPresent = await(
                            client.connectWith().cleanSession(false).send(), target, "CONNECT")
                    .isSessionPresent();
            if (!sessionPresent) {
                new V3(client, target).disconnect();
                throw new IllegalStateException("the broker kept no session for " + clientId);
            }
            return new V3(client, target);
        }

        @Override
        public CompletableFuture<Void> publish(String topic, byte[] payload, int qos) {
            return client.publishWith()
                    .topic(topic)
                    .qos(qos(qos))
                    .payload(payload)
                    .send()
                    .thenAccept(ignored -> {});
        }

        @Override
        public void subscribe(String filter, int qos, Consumer<ByteBuffer> onPayload) throws Exception {
            final Mqtt3SubAck subAck = await(
                    client.subscribeWith()
                            .topicFilter(filter)
                            .qos(qos(qos))
                            .callback(publish ->
                                    onPayload.accept(publish.getPayload().orElse(EMPTY)))
                            .send(),
                    target,
                    "SUBSCRIBE");
            if (subAck.getReturnCodes().get(0).isError()) {
                throw new IllegalStateException("SUBSCRIBE " + filter + " refused by the broker");
            }
        }

        @Override
        public void disconnect() {
            try {
                await(client.disconnect(), target, "DISCONNECT");
            } catch (Exception ignored) {
                // The run is over; a failed DISCONNECT changes no figure.
            }
        }
    }
}
