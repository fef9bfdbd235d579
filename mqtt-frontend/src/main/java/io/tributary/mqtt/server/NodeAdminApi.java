/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import com.sun.net.httpserver.HttpServer;
import io.tributary.mqtt.admin.AdminCredentials;
import io.tributary.mqtt.admin.AdminHttpListener;
import io.tributary.mqtt.admin.AdminHttpServer;
import io.tributary.mqtt.admin.AdminService;
import io.tributary.mqtt.auth.AuthService;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.kafka.NodeLiveness;
import io.tributary.mqtt.placement.Placement;
import io.tributary.mqtt.session.SessionRegistry;
import io.tributary.mqtt.session.SessionState;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;

/** The node's admin HTTP API, when {@code admin.http.port} is on: who may call it, and serving it. */
final class NodeAdminApi {

    /** Bound with the MQTT listeners (a busy port fails the start early); null when the API is off. */
    private final @Nullable HttpServer bound;
    /** Read with the users file, before Kafka is touched: a bad one fails the start early. */
    private final @Nullable AdminCredentials credentials;

    private @Nullable AdminHttpServer server;

    private NodeAdminApi(@Nullable HttpServer bound, @Nullable AdminCredentials credentials) {
        this.bound = bound;
        this.credentials = credentials;
    }

    static NodeAdminApi of(BrokerConfig config, @Nullable HttpServer bound, AuthService auth) {
        return new NodeAdminApi(bound, bound == null ? null : AdminCredentials.fromConfig(config, auth));
    }

    /** Serves the API, when it is on. */
    void start(
            Placement placement,
            Admin admin,
            String sessionsTopic,
            SessionRegistry sessions,
            Supplier<List<SessionState>> storedSessions) {
        if (bound == null) {
            return;
        }
        server = AdminHttpServer.start(
                bound,
                new AdminService(placement.admin(), () -> NodeLiveness.liveNodes(admin, sessionsTopic)),
                sessions,
                storedSessions,
                credentials);
    }

    /** The URL other nodes and tools reach the API at, e.g. {@code https://node-1:8080}; null when it is off. */
    @Nullable
    String url(BrokerConfig config, AdvertisedHost advertised) {
        return server == null
                ? null
                : AdminHttpListener.scheme(bound) + "://"
                        + advertised.of(config.getString(BrokerConfig.ADMIN_HTTP_BIND_CONFIG)) + ":" + server.port();
    }

    /** The port of the API, or -1 when it is off. */
    int port() {
        return server == null ? -1 : server.port();
    }

    void close() {
        if (server != null) {
            server.close();
        } else if (bound != null) {
            bound.stop(0); // bound, never started
        }
    }
}
