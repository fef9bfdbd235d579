/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import com.sun.net.httpserver.HttpServer;
import io.tributary.mqtt.config.BrokerConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * Every port a node listens on, bound before anything else starts: a port in use fails the start within
 * milliseconds, naming the port and its setting, before an embedded Kafka formats a data directory or a topic is
 * created. The listeners serve nothing until the node is ready ({@link MqttListener#open}, the admin API's
 * {@code start}).
 *
 * @param admin the admin HTTP server, bound but not started; null when {@code admin.http.port} is -1
 */
record NodeListeners(MqttListener mqtt, @Nullable HttpServer admin) {

    /** Binds the MQTT listener and, when configured, the admin HTTP API. */
    static NodeListeners bind(BrokerConfig config) {
        MqttListener mqtt = MqttListener.reserve(
                config.getString(BrokerConfig.MQTT_BIND_CONFIG),
                config.getInt(BrokerConfig.MQTT_PORT_CONFIG),
                BrokerConfig.MQTT_PORT_CONFIG + ", --mqtt-port");
        int adminPort = config.getInt(BrokerConfig.ADMIN_HTTP_PORT_CONFIG);
        if (adminPort < 0) {
            return new NodeListeners(mqtt, null);
        }
        String adminBind = config.getString(BrokerConfig.ADMIN_HTTP_BIND_CONFIG);
        try {
            return new NodeListeners(mqtt, HttpServer.create(new InetSocketAddress(adminBind, adminPort), 16));
        } catch (IOException e) {
            mqtt.closeSocket();
            mqtt.stopLoops(0);
            throw new IllegalStateException(
                    cannotListen("the admin HTTP API", adminBind, adminPort, BrokerConfig.ADMIN_HTTP_PORT_CONFIG, e),
                    e);
        }
    }

    /** Releases the ports of listeners that never started serving (a start that failed). */
    void closeUnopened() {
        mqtt.closeSocket();
        mqtt.stopLoops(0);
        if (admin != null) {
            admin.stop(0);
        }
    }

    /** {@code cannot listen for MQTT on 127.0.0.1:1883 (mqtt.port, --mqtt-port): port already in use}. */
    static String cannotListen(String what, String bind, int port, String setting, Throwable cause) {
        String reason = cause instanceof BindException
                        && String.valueOf(cause.getMessage()).contains("in use")
                ? "port already in use"
                : String.valueOf(cause.getMessage());
        return "cannot listen for " + what + " on " + bind + ":" + port + " (" + setting + "): " + reason;
    }
}
