/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What a listener puts in front of the MQTT codec: TLS, WebSocket, or both. Plain TCP has none and keeps the
 * pipeline {@link MqttPipeline#install} builds, unchanged.
 *
 * @param scheme {@code mqtts}, {@code ws} or {@code wss}: the URL scheme the node record and the banner show
 * @param tls the server's TLS context in force (it changes when the certificate files do), or null
 * @param webSocket the WebSocket upgrade, or null
 */
public record ListenerTransport(
        String scheme,
        @Nullable Supplier<SslContext> tls,
        @Nullable WebSocket webSocket) {

    /**
     * MQTT over WebSocket (MQTT 5.0 section 6).
     *
     * @param path the HTTP path of the upgrade, e.g. {@code /mqtt}
     * @param allowedOrigins the Origin headers let in; empty: any
     */
    public record WebSocket(String path, List<String> allowedOrigins) {}

    public static ListenerTransport tls(Supplier<SslContext> tls) {
        return new ListenerTransport("mqtts", tls, null);
    }

    public static ListenerTransport webSocket(WebSocket webSocket) {
        return new ListenerTransport("ws", null, webSocket);
    }

    public static ListenerTransport secureWebSocket(Supplier<SslContext> tls, WebSocket webSocket) {
        return new ListenerTransport("wss", tls, webSocket);
    }
}
