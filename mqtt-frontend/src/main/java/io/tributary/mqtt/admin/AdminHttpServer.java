/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tributary.mqtt.config.AdminApiSettings;
import io.tributary.mqtt.protocol.SessionHandler;
import io.tributary.mqtt.session.ClientSession;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.session.SessionState;
import io.tributary.mqtt.wire.ReasonCodes;
import io.tributary.placement.Entity;
import io.tributary.placement.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's admin HTTP API: JSON over the cluster metadata (the same operations as
 * {@code bin/tributary admin}) plus what only this node knows, its connected clients.
 *
 * <pre>
 * GET    /v1/{nodes|configs|mappings|users|acls|schemas}  list
 * GET    /v1/{kind}/{name}                                 one entity
 * PUT    /v1/{configs|mappings|users|acls|schemas}/{name}  create or replace (JSON body, see docs/operations.md)
 * DELETE /v1/{configs|mappings|users|acls|schemas}/{name}  delete
 * GET    /v1/sessions                                      stored sessions of the whole cluster
 * GET    /v1/clients                                       clients connected to this node
 * DELETE /v1/clients/{clientId}                            disconnect a client (MQTT 5: reason 0x98)
 * </pre>
 *
 * The JDK's HTTP server is enough for a handful of management calls and adds no dependency; it runs on its
 * own single thread, never on an event loop. Every request needs an administrator's credentials
 * ({@link AdminCredentials}): without them 401 and nothing happens, with a non-administrator's 403. It serves HTTPS
 * when {@code admin.http.tls.enabled} is set.
 */
public final class AdminHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminHttpServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final AdminService admin;
    private final SessionRegistry sessions;
    private final Supplier<List<SessionState>> storedSessions;
    private final AdminCredentials credentials;
    /** Refused requests are logged at most this often, with how many there were. */
    private long lastRefusalLogged;

    private int refusedSinceLogged;

    private AdminHttpServer(
            HttpServer server,
            AdminService admin,
            SessionRegistry sessions,
            Supplier<List<SessionState>> storedSessions,
            AdminCredentials credentials) {
        this.server = server;
        this.credentials = credentials;
        this.admin = admin;
        this.sessions = sessions;
        this.storedSessions = storedSessions;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tributary-admin-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/v1/", this::handle);
    }

    /** Starts serving on {@code bound}, a server the node bound before it started (a busy port fails early). */
    public static AdminHttpServer start(
            HttpServer bound,
            AdminService admin,
            SessionRegistry sessions,
            Supplier<List<SessionState>> storedSessions,
            AdminCredentials credentials) {
        AdminHttpServer s = new AdminHttpServer(bound, admin, sessions, storedSessions, credentials);
        s.server.start();
        LOG.info(
                "Admin HTTP API on {}://{}:{}/v1/",
                AdminHttpListener.scheme(bound),
                bound.getAddress().getHostString(),
                s.port());
        return s;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!authorized(ex)) {
                return;
            }
            String[] parts =
                    ex.getRequestURI().getRawPath().substring("/v1/".length()).split("/", 2);
            String collection = parts[0];
            String name = parts.length > 1 && !parts[1].isEmpty()
                    ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8)
                    : null;
            String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            try {
                if (collection.equals("clients")) {
                    clients(ex, method, name);
                    return;
                }
                if (collection.equals("sessions") && name == null && method.equals("GET")) {
                    reply(ex, 200, SessionViews.stored(storedSessions.get()));
                    return;
                }
                Kind kind = kindOf(collection);
                if (kind == null) {
                    reply(ex, 404, error("no such collection: " + collection));
                    return;
                }
                metadata(ex, method, kind, name);
            } catch (IllegalArgumentException e) {
                reply(ex, 400, error(e.getMessage()));
            } catch (RuntimeException e) {
                LOG.warn("Admin request {} {} failed: {}", method, ex.getRequestURI(), e.toString());
                reply(ex, 500, error(e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        }
    }

    /**
     * Judges the request's credentials before anything else is read: 401 with the challenges of both schemes when
     * they are missing or wrong, 403 for a user who is not an administrator. True when the request may run.
     */
    private boolean authorized(HttpExchange ex) throws IOException {
        AdminCredentials.Verdict verdict =
                credentials.judge(ex.getRequestHeaders().getFirst("Authorization"));
        if (verdict instanceof AdminCredentials.Verdict.Admin) {
            return true;
        }
        ex.getRequestBody().close();
        if (verdict instanceof AdminCredentials.Verdict.Forbidden f) {
            logRefusal(ex, 403, f.who() + " is not in " + AdminApiSettings.USERS_CONFIG);
            reply(
                    ex,
                    403,
                    error(f.who() + " may not use the admin API (not in " + AdminApiSettings.USERS_CONFIG + ")"));
        } else {
            String why = ((AdminCredentials.Verdict.Unauthenticated) verdict).why();
            logRefusal(ex, 401, why);
            ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"tributary\"");
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"tributary\", charset=\"UTF-8\"");
            reply(
                    ex,
                    401,
                    error("credentials required: a bearer token (Authorization: Bearer ...) or an admin "
                            + "user's password (HTTP Basic); " + why));
        }
        return false;
    }

    /** One INFO line per refused request, at most one a second (with the count since the last one). */
    private void logRefusal(HttpExchange ex, int status, String why) {
        long now = System.currentTimeMillis();
        refusedSinceLogged++;
        if (now - lastRefusalLogged < 1000) {
            return;
        }
        LOG.info(
                "Admin HTTP API refused {} {} from {} with {}: {}{}",
                ex.getRequestMethod(),
                ex.getRequestURI().getRawPath(),
                ex.getRemoteAddress(),
                status,
                why,
                refusedSinceLogged > 1 ? " (" + refusedSinceLogged + " refusals since the last line)" : "");
        lastRefusalLogged = now;
        refusedSinceLogged = 0;
    }

    private void metadata(HttpExchange ex, String method, Kind kind, @Nullable String name) throws IOException {
        if (name == null) {
            if (!method.equals("GET")) {
                reply(ex, 405, error("use GET on a collection, PUT/DELETE on /v1/" + kind.segment() + "s/{name}"));
                return;
            }
            List<Object> out = new ArrayList<>();
            Set<String> live = kind == Kind.NODE ? admin.liveNodes() : Set.of();
            admin.list(kind).values().forEach(e -> out.add(EntityViews.view(e, live)));
            reply(ex, 200, out);
            return;
        }
        switch (method) {
            case "GET" -> {
                Entity e = admin.get(kind, name);
                Set<String> live = kind == Kind.NODE ? admin.liveNodes() : Set.of();
                reply(
                        ex,
                        e == null ? 404 : 200,
                        e == null ? error(kind.segment() + " " + name + " not found") : EntityViews.view(e, live));
            }
            case "PUT" -> {
                if (kind == Kind.NODE) {
                    reply(ex, 405, error("nodes register themselves"));
                    return;
                }
                reply(ex, 200, EntityViews.view(admin.put(entityOf(kind, name, body(ex)))));
            }
            case "DELETE" -> {
                Entity e = admin.delete(kind, name);
                reply(
                        ex,
                        e == null ? 404 : 200,
                        e == null ? error(kind.segment() + " " + name + " not found") : EntityViews.view(e));
            }
            default -> reply(ex, 405, error("method " + method + " not allowed"));
        }
    }

    private Entity entityOf(Kind kind, String name, JsonNode body) {
        return switch (kind) {
            case CONFIG -> new Entity.Config(name, 0, text(body, "value", true));
            case MAPPING ->
                new Entity.Mapping(
                        name,
                        0,
                        text(body, "filter", true),
                        text(body, "kafkaTopic", true),
                        text(body, "key", false),
                        text(body, "mqttTopic", false));
            case ACL ->
                new Entity.Acl(
                        name,
                        0,
                        text(body, "principal", true),
                        Entity.Action.parse(text(body, "action", true)),
                        text(body, "filter", true),
                        Entity.Permission.parse(text(body, "permission", true)));
            case USER ->
                body.hasNonNull("password")
                        ? AdminService.scramUser(name, body.get("password").asText(), AdminService.SCRAM_ITERATIONS)
                        : new Entity.User(
                                name,
                                0,
                                text(body, "mechanism", true),
                                body.path("iterations").asInt(),
                                text(body, "salt", true),
                                text(body, "storedKey", true),
                                text(body, "serverKey", true));
            case SCHEMA ->
                new Entity.Schema(
                        name,
                        0,
                        text(body, "filter", true),
                        text(body, "subject", true),
                        text(body, "format", true),
                        text(body, "mode", true),
                        text(body, "delivery", false),
                        text(body, "message", false));
            case NODE -> throw new IllegalArgumentException("nodes register themselves");
        };
    }

    private void clients(HttpExchange ex, String method, @Nullable String clientId) throws IOException {
        if (clientId == null && method.equals("GET")) {
            List<Object> out = new ArrayList<>();
            for (ClientSession s : sessions.sessions()) {
                out.add(SessionViews.connected(s));
            }
            reply(ex, 200, out);
        } else if (clientId != null && method.equals("DELETE")) {
            ClientSession target = null;
            for (ClientSession s : sessions.sessions()) {
                if (s.clientId().equals(clientId)) {
                    target = s;
                }
            }
            if (target == null) {
                reply(ex, 404, error("client " + clientId + " is not connected to this node"));
                return;
            }
            ClientSession s = target;
            s.channel()
                    .eventLoop()
                    .execute(() -> SessionHandler.close(
                            s, ReasonCodes.ADMINISTRATIVE_ACTION, "disconnected by an administrator"));
            reply(ex, 200, Map.of("disconnected", clientId));
        } else {
            reply(ex, 405, error("GET /v1/clients or DELETE /v1/clients/{clientId}"));
        }
    }

    private static @Nullable Kind kindOf(String collection) {
        return collection.endsWith("s") ? Kind.ofSegment(collection.substring(0, collection.length() - 1)) : null;
    }

    private static JsonNode body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readNBytes(64 * 1024);
            if (bytes.length == 0) {
                throw new IllegalArgumentException("a JSON body is required");
            }
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw new IllegalArgumentException("body is not JSON: " + e.getMessage());
            }
        }
    }

    private static @Nullable String text(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("field '" + field + "' is required");
            }
            return null;
        }
        return v.asText();
    }

    private static Map<String, String> error(String message) {
        return Map.of("error", message);
    }

    private static void reply(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
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
