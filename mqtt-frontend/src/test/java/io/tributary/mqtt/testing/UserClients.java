/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.testing;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.tributary.mqtt.server.BrokerNode;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/** MQTT 5 clients of the test users (user {@code u}, password {@code u-pw}) for the ownership tests. */
public final class UserClients {
    private UserClients() {}

    /** An MQTT 5 client of {@code user} (password {@code user}-pw) that records why the node disconnected it. */
    public static Mqtt5AsyncClient client(
            BrokerNode node, String clientId, String user, AtomicReference<Mqtt5DisconnectReasonCode> disconnected) {
        return MqttClient.builder()
                .useMqttVersion5()
                .identifier(clientId)
                .serverHost("127.0.0.1")
                .serverPort(node.mqttPort())
                .simpleAuth()
                .username(user)
                .password((user + "-pw").getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .addDisconnectedListener(ctx -> {
                    if (ctx.getCause() instanceof Mqtt5DisconnectException d) {
                        disconnected.set(d.getMqttMessage().getReasonCode());
                    }
                })
                .buildAsync();
    }
}
