/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A Paho MQTT 3.1.1 client that records every PUBLISH it receives once (one callback for the connection,
 * not one per matching subscription as Paho's per-subscription listeners would).
 */
final class V3Client implements MqttCallback, AutoCloseable {

    /** One received message. */
    record Got(String topic, String payload, int qos, boolean retained, boolean dup) {
        @Override
        public String toString() {
            return topic + "=" + payload + "@" + qos + (retained ? " retained" : "") + (dup ? " dup" : "");
        }
    }

    final MqttClient client;
    final List<Got> got = new CopyOnWriteArrayList<>();
    boolean sessionPresent;

    private V3Client(MqttClient client) {
        this.client = client;
    }

    static V3Client connect(BrokerNode broker, String clientId, boolean cleanSession) throws MqttException {
        V3Client c = new V3Client(new MqttClient(TestBroker.uri(broker), clientId, new MemoryPersistence()));
        c.client.setCallback(c);
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(cleanSession);
        o.setAutomaticReconnect(false);
        o.setMaxInflight(1000);
        c.sessionPresent = c.client.connectWithResult(o).getSessionPresent();
        return c;
    }

    /** Connects as {@code user}; a refused CONNECT throws an MqttException with the CONNACK return code. */
    static V3Client connectAs(BrokerNode broker, String clientId, boolean cleanSession, String user, String password)
            throws MqttException {
        V3Client c = new V3Client(new MqttClient(TestBroker.uri(broker), clientId, new MemoryPersistence()));
        c.client.setCallback(c);
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(cleanSession);
        o.setAutomaticReconnect(false);
        o.setUserName(user);
        o.setPassword(password.toCharArray());
        c.sessionPresent = c.client.connectWithResult(o).getSessionPresent();
        return c;
    }

    static V3Client connect(BrokerNode broker, String clientId) throws MqttException {
        return connect(broker, clientId, true);
    }

    V3Client subscribe(String filter, int qos) throws MqttException {
        client.subscribe(new String[] {filter}, new int[] {qos});
        return this;
    }

    /** The granted QoS per filter (128 for a refused filter). */
    int[] subscribeAll(String[] filters, int[] qos) throws MqttException {
        return client.subscribeWithResponse(filters, qos).getGrantedQos();
    }

    void publish(String topic, String payload, int qos, boolean retained) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained);
    }

    List<String> payloads() {
        return got.stream().map(Got::payload).toList();
    }

    List<String> topics() {
        return got.stream().map(Got::topic).toList();
    }

    boolean hasPayload(String payload) {
        return got.stream().anyMatch(g -> g.payload().equals(payload));
    }

    @Override
    public void connectionLost(Throwable cause) {}

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        got.add(new Got(
                topic,
                new String(message.getPayload(), StandardCharsets.UTF_8),
                message.getQos(),
                message.isRetained(),
                message.isDuplicate()));
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}

    /** Disconnects cleanly if still connected. */
    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }
}
