/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import java.net.URI;

/**
 * The read-only web console on the ops listener (docs/operations.md, "Web console"): the page at
 * {@code /console/} and its JSON at {@code /console/api/}. Like the rest of the ops listener it has no
 * authentication and changes nothing: keep the listener on a management address.
 */
public final class WebConsole {

    private WebConsole() {}

    /** Mounts the console's routes on {@code ops}. */
    public static void mount(OpsHttpServer ops, ConsoleSources node) {
        ConsoleAssets assets = ConsoleAssets.load();
        ConsoleApi api = new ConsoleApi(node);
        ops.route("/console/api/", ex -> {
            if (getOrHead(ex)) {
                api.serve(ex, rest(ex.getRequestURI(), "/console/api/"));
            }
        });
        ops.route("/console/", ex -> {
            if (getOrHead(ex)) {
                assets.serve(ex, rest(ex.getRequestURI(), "/console/"));
            }
        });
        ops.route("/console", ex -> {
            // "/console" itself: to the page, whose relative links need the trailing slash.
            ex.getResponseHeaders().set("Location", "/console/");
            ex.sendResponseHeaders(308, -1);
        });
    }

    private static String rest(URI uri, String prefix) {
        String path = uri.getPath();
        return path.length() <= prefix.length() ? "" : path.substring(prefix.length());
    }

    private static boolean getOrHead(com.sun.net.httpserver.HttpExchange ex) throws java.io.IOException {
        String m = ex.getRequestMethod();
        if (m.equals("GET") || m.equals("HEAD")) {
            return true;
        }
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        OpsHttpServer.reply(ex, 405, "text/plain; charset=utf-8", "the console is read-only: use GET");
        return false;
    }
}
