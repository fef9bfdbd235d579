/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.testing;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/**
 * What one or more Paho subscribers received, counted per payload: the ledger of the crash tests, which assert that
 * every acknowledged message arrived once (QoS 2) or at least once (QoS 1).
 */
public final class PayloadLedger implements MqttCallback {
    public final Map<String, Integer> received = new ConcurrentHashMap<>();

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        received.merge(new String(message.getPayload(), StandardCharsets.UTF_8), 1, Integer::sum);
    }

    @Override
    public void connectionLost(Throwable cause) {}

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
}
