/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The console's static files, read once from the jar ({@code io/tributary/mqtt/ops/console/}). A fixed list:
 * nothing else on the classpath can be asked for by path. Hand-written HTML, CSS and JavaScript with no
 * third-party file and no build step, so the jar carries the whole page and it loads with no network beyond the
 * node.
 */
final class ConsoleAssets {

    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "mqtt-ws.js", "text/javascript; charset=utf-8");

    private final Map<String, byte[]> files;

    private ConsoleAssets(Map<String, byte[]> files) {
        this.files = files;
    }

    static ConsoleAssets load() {
        Map<String, byte[]> files = new java.util.HashMap<>();
        for (String name : TYPES.keySet()) {
            try (InputStream in = ConsoleAssets.class.getResourceAsStream("console/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("console file missing from the jar: " + name);
                }
                files.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new ConsoleAssets(Map.copyOf(files));
    }

    /** Serves {@code /console/{name}}; {@code /console/} is the page itself. */
    void serve(HttpExchange ex, String name) throws IOException {
        String file = name.isEmpty() ? "index.html" : name;
        byte[] body = files.get(file);
        if (body == null) {
            OpsHttpServer.reply(ex, 404, "text/plain; charset=utf-8", "no such console file: " + name);
            return;
        }
        ex.getResponseHeaders().set("Content-Type", TYPES.get(file));
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        // The page runs no script from elsewhere; it connects to the node's own WebSocket listener for the tail.
        ex.getResponseHeaders()
                .set(
                        "Content-Security-Policy",
                        "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(200, -1);
            return;
        }
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
