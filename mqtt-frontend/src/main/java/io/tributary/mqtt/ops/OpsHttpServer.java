/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's ops HTTP listener ({@code ops.http.listener}): what a monitoring system and a load balancer ask of a
 * node.
 *
 * <pre>
 * GET /metrics        the node's metrics in the Prometheus text format (docs/operations.md lists the families)
 * GET /health/live    200 while the process serves requests
 * GET /health/ready   200 when the node takes MQTT clients, 503 naming the failing checks; false first on a stop
 * </pre>
 *
 * More pages are mounted with {@link #route} (the web console). The JDK's HTTP server runs on its own thread,
 * never on an event loop: a slow scrape does not delay MQTT traffic. It has no authentication.
 */
public final class OpsHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsHttpServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;

    private OpsHttpServer(HttpServer server, MetricsPage metrics, HealthChecks health) {
        this.server = server;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tributary-ops-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        route("/metrics", ex -> metrics(ex, metrics));
        route("/health/live", ex -> probe(ex, List.of()));
        route("/health/ready", ex -> probe(ex, health.evaluate()));
    }

    /** The Prometheus page: its body for a request's {@code Accept} header, and that body's content type. */
    public interface MetricsPage {
        /** The content type {@link #scrape} answers for this {@code Accept} header (may be null). */
        String contentType(String accept);

        String scrape(String contentType);
    }

    /**
     * Starts serving on {@code bound}, a server the node bound before anything else started (a busy port fails the
     * start at once); probes answer from now on, while the node is still starting.
     */
    public static OpsHttpServer start(HttpServer bound, MetricsPage metrics, HealthChecks health) {
        OpsHttpServer s = new OpsHttpServer(bound, metrics, health);
        s.server.start();
        LOG.info(
                "Ops HTTP listener on http://{}:{}/ (/metrics, /health/live, /health/ready)",
                bound.getAddress().getHostString(),
                s.port());
        return s;
    }

    /**
     * Serves {@code path} (and the paths below it, as the JDK's server matches prefixes) with {@code handler}, on
     * the listener's thread. For the pages built on this listener, e.g. a console's static files and JSON.
     */
    public void route(String path, HttpHandler handler) {
        server.createContext(path, ex -> {
            try (ex) {
                handler.handle(ex);
            } catch (RuntimeException e) {
                LOG.debug("ops HTTP {} failed", ex.getRequestURI(), e);
                reply(ex, 500, "text/plain; charset=utf-8", String.valueOf(e.getMessage()));
            }
        });
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void metrics(HttpExchange ex, MetricsPage page) throws IOException {
        if (!getOrHead(ex)) {
            return;
        }
        String type = page.contentType(ex.getRequestHeaders().getFirst("Accept"));
        reply(ex, 200, type, page.scrape(type));
    }

    private static void probe(HttpExchange ex, List<HealthChecks.Result> results) throws IOException {
        if (!getOrHead(ex)) {
            return;
        }
        Map<String, Object> body = HealthChecks.body(results);
        boolean up = results.stream().allMatch(HealthChecks.Result::passed);
        reply(ex, up ? 200 : 503, "application/json", JSON.writeValueAsString(body));
    }

    private static boolean getOrHead(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        reply(ex, 405, "text/plain; charset=utf-8", "use GET");
        return false;
    }

    /** Sends {@code body} with {@code status}; HEAD gets the headers only. */
    public static void reply(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
