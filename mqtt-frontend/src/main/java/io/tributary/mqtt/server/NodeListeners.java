/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static io.tributary.mqtt.config.ListenerSettings.*;

import com.sun.net.httpserver.HttpServer;
import io.tributary.mqtt.admin.AdminHttpListener;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.ListenerAddress;
import io.tributary.mqtt.config.OpsSettings;
import io.tributary.mqtt.protocol.ListenerTransport;
import io.tributary.mqtt.protocol.MqttPipeline;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Every port a node listens on, bound before anything else starts: a port in use, or a TLS file that cannot be
 * read, fails the start within milliseconds, naming the port or file and its setting, before an embedded Kafka
 * formats a data directory or a topic is created. The listeners serve nothing until the node is ready
 * ({@link #open}, the admin API's {@code start}).
 *
 * @param all the MQTT listeners ({@code listeners}, or the shorthand settings), plain TCP first when there is
 *     one; the first owns the event loops the others share
 * @param tls the TLS context of the tls and wss listeners, reloaded when its files change; null without TLS
 * @param admin the admin HTTP server, bound but not started; null when {@code admin.http.port} is -1
 * @param ops the ops HTTP listener (metrics, probes), bound but not started; null when {@code ops.http.listener} is
 *     none
 */
record NodeListeners(
        List<MqttListener> all,
        @Nullable ReloadingTlsContext tls,
        @Nullable HttpServer admin,
        @Nullable HttpServer ops) {

    /** Binds the MQTT listeners and, when configured, the admin HTTP API and the ops listener. */
    static NodeListeners bind(BrokerConfig config) {
        NodeListeners mqttAndAdmin = bindMqttAndAdmin(config);
        try {
            return new NodeListeners(mqttAndAdmin.all(), mqttAndAdmin.tls(), mqttAndAdmin.admin(), bindOps(config));
        } catch (RuntimeException e) {
            mqttAndAdmin.closeUnopened();
            throw e;
        }
    }

    private static NodeListeners bindMqttAndAdmin(BrokerConfig config) {
        List<ListenerAddress> addresses = listeners(config);
        ReloadingTlsContext tls = tlsInUse(config) ? ReloadingTlsContext.start(config) : null;
        List<MqttListener> bound = new ArrayList<>();
        try {
            for (ListenerAddress a : addresses) {
                MqttListener first = bound.isEmpty() ? null : bound.get(0);
                bound.add(MqttListener.reserve(first, transport(config, a, tls), a.host(), a.port(), a.setting()));
            }
        } catch (RuntimeException e) {
            new NodeListeners(bound, tls, null, null).closeUnopened();
            throw e;
        }
        int adminPort = config.getInt(BrokerConfig.ADMIN_HTTP_PORT_CONFIG);
        if (adminPort < 0) {
            return new NodeListeners(List.copyOf(bound), tls, null, null);
        }
        String adminBind = config.getString(BrokerConfig.ADMIN_HTTP_BIND_CONFIG);
        try {
            return new NodeListeners(
                    List.copyOf(bound),
                    tls,
                    AdminHttpListener.bind(config, new InetSocketAddress(adminBind, adminPort)),
                    null);
        } catch (IOException e) {
            new NodeListeners(bound, tls, null, null).closeUnopened();
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

    /** What goes in front of the MQTT codec on this listener; null on plain TCP. */
    private static @Nullable ListenerTransport transport(
            BrokerConfig config, ListenerAddress address, @Nullable ReloadingTlsContext tls) {
        ListenerTransport.WebSocket ws =
                new ListenerTransport.WebSocket(address.path(), config.getList(WS_ALLOWED_ORIGINS_CONFIG));
        return switch (address.transport()) {
            case TCP -> null;
            case TLS -> ListenerTransport.tls(tls);
            case WS -> ListenerTransport.webSocket(ws);
            case WSS -> ListenerTransport.secureWebSocket(tls, ws);
        };
    }

    /** The listener that owns the event loops: plain TCP when there is one (its port is the node's MQTT port). */
    MqttListener mqtt() {
        return all.get(0);
    }

    /** The TLS and WebSocket listeners. */
    List<MqttListener> secured() {
        return all.stream().filter(l -> !l.scheme().equals("mqtt")).toList();
    }

    /** Starts accepting connections on every MQTT listener. */
    void open(MqttPipeline pipeline) {
        all.forEach(l -> l.open(pipeline));
    }

    /** Stops accepting connections on every MQTT listener; open ones stay until {@link #stopLoops}. */
    void closeSockets() {
        all.forEach(MqttListener::closeSocket);
    }

    /** Ends the event loops of every MQTT listener (they share the first listener's), and the TLS reloads. */
    void stopLoops(int seconds) {
        if (tls != null) {
            tls.close();
        }
        if (!all.isEmpty()) {
            mqtt().stopLoops(seconds);
        }
    }

    /** Releases the ports of listeners that never started serving (a start that failed). */
    void closeUnopened() {
        closeSockets();
        stopLoops(0);
        release(admin);
        release(ops);
    }

    /**
     * Frees an HTTP server's port. The JDK's server registers its socket with a selector that only its dispatcher
     * thread services; {@code stop} on a server that was never started closes the socket, but the close takes
     * effect at the selector's next turn, which never comes: the port stays bound until the JVM exits. Started
     * first, its dispatcher runs that turn.
     */
    private static void release(@Nullable HttpServer server) {
        if (server == null) {
            return;
        }
        try {
            server.start();
        } catch (IllegalStateException alreadyStarted) {
            // started by the node before the failure: stop is enough
        }
        server.stop(0);
    }

    /**
     * The URLs of the MQTT listeners, plain first, e.g. {@code mqtts://127.0.0.1:8883}; {@code hostOf} turns the
     * address a listener binds into the host clients use.
     */
    List<String> mqttUrls(UnaryOperator<String> hostOf) {
        return all.stream().map(l -> l.url(hostOf.apply(l.bind()))).toList();
    }

    /** {@code cannot listen for MQTT on 127.0.0.1:1883 (mqtt.port, --mqtt-port): port already in use}. */
    static String cannotListen(String what, String bind, int port, String setting, Throwable cause) {
        // NIO throws a BindException, the epoll transport Netty's NativeIoException ("bind(..) failed with
        // error(-98): Address already in use"): both are IOExceptions that say "in use".
        String reason = cause instanceof IOException
                        && String.valueOf(cause.getMessage()).contains("in use")
                ? "port already in use"
                : String.valueOf(cause.getMessage());
        return "cannot listen for " + what + " on " + bind + ":" + port + " (" + setting + "): " + reason;
    }

    /**
     * The port of the first listener with this scheme ({@code mqtt}, {@code mqtts}, {@code ws}, {@code wss}), or -1
     * when there is none.
     */
    int port(String scheme) {
        return all.stream()
                .filter(l -> l.scheme().equals(scheme))
                .mapToInt(MqttListener::port)
                .findFirst()
                .orElse(-1);
    }
}
