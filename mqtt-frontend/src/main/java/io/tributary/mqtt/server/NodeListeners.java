/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static io.tributary.mqtt.config.ListenerSettings.*;

import com.sun.net.httpserver.HttpServer;
import io.netty.handler.ssl.SslContext;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.OpsSettings;
import io.tributary.mqtt.protocol.ListenerTransport;
import io.tributary.mqtt.protocol.MqttPipeline;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Every port a node listens on, bound before anything else starts: a port in use, or a TLS file that cannot be
 * read, fails the start within milliseconds, naming the port or file and its setting, before an embedded Kafka
 * formats a data directory or a topic is created. The listeners serve nothing until the node is ready
 * ({@link #open}, the admin API's {@code start}).
 *
 * @param mqtt the plain TCP listener, always on
 * @param secured the listeners beside it that are on: MQTT over TLS, WebSocket, WebSocket over TLS
 * @param admin the admin HTTP server, bound but not started; null when {@code admin.http.port} is -1
 * @param ops the ops HTTP listener (metrics, probes), bound but not started; null when {@code ops.http.listener} is
 *     none
 */
record NodeListeners(
        MqttListener mqtt,
        List<MqttListener> secured,
        @Nullable HttpServer admin,
        @Nullable HttpServer ops) {

    /** Binds the MQTT listeners and, when configured, the admin HTTP API and the ops listener. */
    static NodeListeners bind(BrokerConfig config) {
        NodeListeners mqttAndAdmin = bindMqttAndAdmin(config, null);
        try {
            return new NodeListeners(
                    mqttAndAdmin.mqtt(), mqttAndAdmin.secured(), mqttAndAdmin.admin(), bindOps(config));
        } catch (RuntimeException e) {
            mqttAndAdmin.closeUnopened();
            throw e;
        }
    }

    private static NodeListeners bindMqttAndAdmin(BrokerConfig config, @Nullable HttpServer ops) {
        String bind = config.getString(BrokerConfig.MQTT_BIND_CONFIG);
        MqttListener mqtt = MqttListener.reserve(
                bind, config.getInt(BrokerConfig.MQTT_PORT_CONFIG), BrokerConfig.MQTT_PORT_CONFIG + ", --mqtt-port");
        List<MqttListener> secured = new ArrayList<>();
        try {
            bindBeside(config, mqtt, secured);
        } catch (RuntimeException e) {
            secured.forEach(MqttListener::closeSocket);
            mqtt.closeSocket();
            mqtt.stopLoops(0);
            throw e;
        }
        int adminPort = config.getInt(BrokerConfig.ADMIN_HTTP_PORT_CONFIG);
        if (adminPort < 0) {
            return new NodeListeners(mqtt, List.copyOf(secured), null, ops);
        }
        String adminBind = config.getString(BrokerConfig.ADMIN_HTTP_BIND_CONFIG);
        try {
            return new NodeListeners(
                    mqtt,
                    List.copyOf(secured),
                    HttpServer.create(new InetSocketAddress(adminBind, adminPort), 16),
                    ops);
        } catch (IOException e) {
            new NodeListeners(mqtt, secured, null, null).closeUnopened();
            throw new IllegalStateException(
                    cannotListen("the admin HTTP API", adminBind, adminPort, BrokerConfig.ADMIN_HTTP_PORT_CONFIG, e),
                    e);
        }
    }

    /** The ops HTTP listener; it starts serving first, to answer the probes while the node starts. */
    private static @Nullable HttpServer bindOps(BrokerConfig config) {
        OpsSettings.HostPort address = OpsSettings.opsListener(config);
        if (address == null) {
            return null;
        }
        try {
            return HttpServer.create(new InetSocketAddress(address.host(), address.port()), 16);
        } catch (IOException e) {
            throw new IllegalStateException(
                    cannotListen(
                            "the ops HTTP API",
                            address.host(),
                            address.port(),
                            OpsSettings.OPS_HTTP_LISTENER_CONFIG,
                            e),
                    e);
        }
    }

    /** The TLS and WebSocket listeners that are on, on the plain listener's event loops. */
    private static void bindBeside(BrokerConfig config, MqttListener plain, List<MqttListener> out) {
        String bind = config.getString(BrokerConfig.MQTT_BIND_CONFIG);
        SslContext tls = tlsInUse(config) ? ServerTlsContext.of(config) : null;
        ListenerTransport.WebSocket ws = new ListenerTransport.WebSocket(
                config.getString(WS_PATH_CONFIG), config.getList(WS_ALLOWED_ORIGINS_CONFIG));
        if (config.getBoolean(TLS_ENABLED_CONFIG)) {
            out.add(MqttListener.reserveBeside(
                    plain, ListenerTransport.tls(tls), bind, config.getInt(TLS_PORT_CONFIG), TLS_PORT_CONFIG));
        }
        if (config.getBoolean(WS_ENABLED_CONFIG)) {
            out.add(MqttListener.reserveBeside(
                    plain, ListenerTransport.webSocket(ws), bind, config.getInt(WS_PORT_CONFIG), WS_PORT_CONFIG));
        }
        if (config.getBoolean(WSS_ENABLED_CONFIG)) {
            out.add(MqttListener.reserveBeside(
                    plain,
                    ListenerTransport.secureWebSocket(tls, ws),
                    bind,
                    config.getInt(WSS_PORT_CONFIG),
                    WSS_PORT_CONFIG));
        }
    }

    /** Starts accepting connections on every MQTT listener. */
    void open(MqttPipeline pipeline) {
        mqtt.open(pipeline);
        secured.forEach(l -> l.open(pipeline));
    }

    /** Stops accepting connections on every MQTT listener; open ones stay until {@link #stopLoops}. */
    void closeSockets() {
        secured.forEach(MqttListener::closeSocket);
        mqtt.closeSocket();
    }

    /** Ends the event loops of every MQTT listener (they share the plain listener's). */
    void stopLoops(int seconds) {
        mqtt.stopLoops(seconds);
    }

    /** Releases the ports of listeners that never started serving (a start that failed). */
    void closeUnopened() {
        closeSockets();
        stopLoops(0);
        if (admin != null) {
            admin.stop(0);
        }
        if (ops != null) {
            ops.stop(0);
        }
    }

    /** The URLs of the MQTT listeners that are on, plain first, e.g. {@code mqtts://127.0.0.1:8883}. */
    List<String> mqttUrls(String host) {
        List<String> urls = new ArrayList<>();
        urls.add(mqtt.url(host));
        secured.forEach(l -> urls.add(l.url(host)));
        return urls;
    }

    /** {@code cannot listen for MQTT on 127.0.0.1:1883 (mqtt.port, --mqtt-port): port already in use}. */
    static String cannotListen(String what, String bind, int port, String setting, Throwable cause) {
        String reason = cause instanceof BindException
                        && String.valueOf(cause.getMessage()).contains("in use")
                ? "port already in use"
                : String.valueOf(cause.getMessage());
        return "cannot listen for " + what + " on " + bind + ":" + port + " (" + setting + "): " + reason;
    }

    /** The port of the listener with this scheme ({@code mqtts}, {@code ws}, {@code wss}), or -1 when it is off. */
    int port(String scheme) {
        return secured.stream()
                .filter(l -> l.scheme().equals(scheme))
                .mapToInt(MqttListener::port)
                .findFirst()
                .orElse(-1);
    }
}
