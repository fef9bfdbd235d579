/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.tributary.mqtt.server.BrokerNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A HiveMQ MQTT 5 client that records every PUBLISH it receives. */
final class V5Client implements AutoCloseable {

    /** One received message. */
    record Got(String topic, String payload, int qos, boolean retained) {}

    final Mqtt5BlockingClient client;
    final List<Got> got = new CopyOnWriteArrayList<>();
    final Mqtt5ConnAck connAck;

    private V5Client(Mqtt5BlockingClient client, boolean cleanStart, long sessionExpiry) {
        this.client = client;
        client.toAsync().publishes(MqttGlobalPublishFilter.ALL, this::received);
        this.connAck = client.connectWith()
                .cleanStart(cleanStart)
                .sessionExpiryInterval(sessionExpiry)
                .send();
    }

    static V5Client connect(BrokerNode broker, String clientId, boolean cleanStart, long sessionExpiry) {
        return new V5Client(
                MqttClient.builder()
                        .useMqttVersion5()
                        .identifier(clientId)
                        .serverHost("127.0.0.1")
                        .serverPort(broker.mqttPort())
                        .buildBlocking(),
                cleanStart,
                sessionExpiry);
    }

    /** Connects as {@code user}; a refused CONNECT throws the client's Mqtt5ConnAckException. */
    static V5Client connectAs(
            BrokerNode broker, String clientId, boolean cleanStart, long sessionExpiry, String user, String password) {
        return new V5Client(
                MqttClient.builder()
                        .useMqttVersion5()
                        .identifier(clientId)
                        .serverHost("127.0.0.1")
                        .serverPort(broker.mqttPort())
                        .simpleAuth()
                        .username(user)
                        .password(password.getBytes(StandardCharsets.UTF_8))
                        .applySimpleAuth()
                        .buildBlocking(),
                cleanStart,
                sessionExpiry);
    }

    static V5Client connect(BrokerNode broker, String clientId) {
        return connect(broker, clientId, true, 0);
    }

    private void received(Mqtt5Publish p) {
        got.add(new Got(
                p.getTopic().toString(),
                new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8),
                p.getQos().getCode(),
                p.isRetain()));
    }

    void publish(String topic, String payload, int qos, boolean retain) {
        client.publishWith()
                .topic(topic)
                .qos(MqttQos.fromCode(qos))
                .retain(retain)
                .payload(payload.getBytes(StandardCharsets.UTF_8))
                .send();
    }

    boolean hasPayload(String payload) {
        return got.stream().anyMatch(g -> g.payload().equals(payload));
    }

    List<String> payloads() {
        return got.stream().map(Got::payload).toList();
    }

    @Override
    public void close() {
        if (client.getState().isConnected()) {
            client.disconnect();
        }
    }
}
