/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/**
 * One MQTT listener of the node: what it serves, where, and the setting that asked for it (named when it cannot
 * bind). Written in {@code listeners} as a URL ({@code tcp://127.0.0.1:1883}, {@code tls://0.0.0.0:8883},
 * {@code ws://127.0.0.1:8080/mqtt}, {@code wss://127.0.0.1:8443/mqtt}), or made from the shorthand settings
 * ({@code mqtt.port}, {@code mqtt.tls.*}, {@code mqtt.ws.*}, {@code mqtt.wss.*}).
 *
 * @param transport what the listener speaks
 * @param host the address it binds
 * @param port the port it binds; 0 picks a free one
 * @param path the HTTP path of the WebSocket upgrade; empty on tcp and tls
 * @param setting the setting (and entry) that defined it, e.g. {@code listeners entry tls://0.0.0.0:8883}
 */
public record ListenerAddress(Transport transport, String host, int port, String path, String setting) {

    /** The transports a listener can speak, by their scheme in {@code listeners}. */
    public enum Transport {
        TCP("tcp", false, false),
        TLS("tls", true, false),
        WS("ws", false, true),
        WSS("wss", true, true);

        private final String scheme;
        private final boolean tls;
        private final boolean webSocket;

        Transport(String scheme, boolean tls, boolean webSocket) {
            this.scheme = scheme;
            this.tls = tls;
            this.webSocket = webSocket;
        }

        public String scheme() {
            return scheme;
        }

        public boolean tls() {
            return tls;
        }

        public boolean webSocket() {
            return webSocket;
        }

        static Transport ofScheme(String scheme, String entry) {
            for (Transport t : values()) {
                if (t.scheme.equals(scheme)) {
                    return t;
                }
            }
            throw new ConfigException(
                    ListenerSettings.LISTENERS_CONFIG,
                    entry,
                    "unknown scheme '" + scheme + "' (one of tcp, tls, ws, wss)");
        }
    }

    /**
     * Parses the entries of {@code listeners}; a WebSocket URL without a path gets {@code defaultWebSocketPath}.
     *
     * @throws ConfigException naming the entry that is not a listener URL, and why
     */
    public static List<ListenerAddress> parseAll(List<String> entries, String defaultWebSocketPath) {
        return entries.stream()
                .map(String::trim)
                .filter(e -> !e.isEmpty())
                .map(e -> parse(e, defaultWebSocketPath))
                .toList();
    }

    static ListenerAddress parse(String entry, String defaultWebSocketPath) {
        String key = ListenerSettings.LISTENERS_CONFIG;
        URI uri;
        try {
            uri = new URI(entry);
        } catch (URISyntaxException e) {
            throw new ConfigException(key, entry, "not a listener URL (scheme://host:port[/path]): " + e.getMessage());
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getPort() < 0) {
            throw new ConfigException(
                    key, entry, "not a listener URL: scheme://host:port[/path], e.g. tls://0.0.0.0:8883");
        }
        Transport transport = Transport.ofScheme(uri.getScheme().toLowerCase(Locale.ROOT), entry);
        if (uri.getPort() > 65535) {
            throw new ConfigException(key, entry, "port out of range");
        }
        if (uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
            throw new ConfigException(key, entry, "a listener URL has no user, query or fragment");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!transport.webSocket() && !path.isEmpty()) {
            throw new ConfigException(key, entry, "only ws and wss listeners have a path");
        }
        if (transport.webSocket() && (path.isEmpty() || path.equals("/"))) {
            path = defaultWebSocketPath;
        }
        String host = uri.getHost().startsWith("[")
                ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new ListenerAddress(transport, host, uri.getPort(), path, key + " entry " + entry);
    }
}
