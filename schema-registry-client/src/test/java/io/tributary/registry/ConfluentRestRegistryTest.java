/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's HTTP side on the JDK's HTTP server answering as a registry would: basic authentication, the
 * cache by id, and which answers are a bad record (404) and which an outage to retry (5xx, 401).
 */
class ConfluentRestRegistryTest {

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ccompat/schemas/ids/", this::answer);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.add(exchange.getRequestURI().getPath() + " "
                + exchange.getRequestHeaders().getFirst("Authorization"));
        String body = status == 200
                ? "{\"schema\": \"{\\\"type\\\": \\\"string\\\"}\", \"schemaType\": \"JSON\"}"
                : "{\"error_code\": " + status + "01, \"message\": \"as told\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private ConfluentRestRegistry client(String userInfo) {
        return new ConfluentRestRegistry(new RegistrySettings(
                "http://127.0.0.1:" + server.getAddress().getPort() + "/ccompat/",
                userInfo,
                null,
                null,
                "PKCS12",
                Duration.ofSeconds(5)));
    }

    @Test
    void readsASchemaByIdOnceWithBasicAuthentication() throws Exception {
        ConfluentRestRegistry registry = client("lake:secret");

        RegisteredSchema first = registry.byId(3);
        RegisteredSchema again = registry.byId(3);

        assertThat(first.format()).isEqualTo(RegisteredSchema.Format.JSON);
        assertThat(first.text()).isEqualTo("{\"type\": \"string\"}");
        assertThat(again).isSameAs(first);
        assertThat(requests).containsExactly("/ccompat/schemas/ids/3 Basic bGFrZTpzZWNyZXQ=");
    }

    @Test
    void aMissingIdIsALookupFailureAndOtherErrorsAreAnOutage() {
        ConfluentRestRegistry registry = client(null);

        status = 404;
        assertThatThrownBy(() -> registry.byId(4))
                .isInstanceOf(SchemaLookupException.class)
                .hasMessageContaining("schema id 4 is not in the registry", "as told");
        status = 503;
        assertThatThrownBy(() -> registry.byId(4))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("answered 503");
        status = 401;
        assertThatThrownBy(() -> registry.byId(4)).isInstanceOf(RegistryUnavailableException.class);
        status = 200;
        assertThat(requests).allMatch(request -> request.endsWith(" null"), "no Authorization header");
    }

    @Test
    void anUnreachableRegistryIsAnOutage() {
        server.stop(0);
        assertThatThrownBy(() -> client(null).byId(1))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("unreachable");
    }
}
