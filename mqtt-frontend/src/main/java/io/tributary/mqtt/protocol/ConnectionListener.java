/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.channel.Channel;
import io.tributary.mqtt.metrics.ListenerKind;

/** Which listener a connection came in on, from the handlers {@link MqttPipeline} installed for it. */
final class ConnectionListener {

    private ConnectionListener() {}

    /** The same answer at CONNACK and when the connection closes: the TLS and WebSocket frame handlers stay. */
    static ListenerKind of(Channel channel) {
        boolean tls = channel.pipeline().get(MqttPipeline.TLS) != null;
        boolean ws = channel.pipeline().get(MqttPipeline.WS_FRAMES) != null;
        if (ws) {
            return tls ? ListenerKind.WSS : ListenerKind.WS;
        }
        return tls ? ListenerKind.MQTTS : ListenerKind.MQTT;
    }
}
