/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.SchemaRegistrySettings;
import io.tributary.mqtt.schema.RegisteredSchema;
import io.tributary.mqtt.schema.SchemaFormat;
import io.tributary.mqtt.schema.SchemaSource;
import io.tributary.mqtt.testing.TestCertificates;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client's transport settings: basic authentication and a trust store for an https registry, against the JDK's
 * HTTPS server answering as a registry with authentication does (Apicurio needs an identity server for that).
 */
class RegistryClientsTest {

    static final String LATEST = "{\"id\":4,\"subject\":\"s-value\",\"version\":2,\"schemaType\":\"JSON\","
            + "\"schema\":\"{\\\"type\\\":\\\"object\\\"}\"}";
    static HttpsServer server;
    static Path trustStore;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates ca = TestCertificates.authority("registry-ca");
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(ca.server("registry").keyManagers().getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        String expected = "Basic " + Base64.getEncoder().encodeToString("svc:secret".getBytes(StandardCharsets.UTF_8));
        server.createContext("/subjects/s-value/versions/latest", ex -> {
            boolean authorized = expected.equals(ex.getRequestHeaders().getFirst("Authorization"));
            byte[] body = (authorized ? LATEST : "{\"error_code\":401,\"message\":\"Unauthorized\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(authorized ? 200 : 401, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(ca.caPem())) {
            trust.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        trustStore = Files.createTempFile("registry-trust", ".p12");
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trust.store(out, "trust-pw".toCharArray());
        }
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    static Map<String, Object> settings(String userInfo, boolean withTrustStore) {
        Map<String, Object> s = new HashMap<>();
        s.put(
                SchemaRegistrySettings.URL_CONFIG,
                "https://127.0.0.1:" + server.getAddress().getPort());
        s.put(SchemaRegistrySettings.BASIC_AUTH_CONFIG, userInfo);
        if (withTrustStore) {
            s.put(SchemaRegistrySettings.TRUSTSTORE_CONFIG, trustStore.toString());
            s.put(SchemaRegistrySettings.TRUSTSTORE_PASSWORD_CONFIG, "trust-pw");
        }
        return s;
    }

    @Test
    void readsAnHttpsRegistryWithBasicAuthenticationThroughItsTrustStore() throws Exception {
        SchemaSource source = RegistryClients.fromConfig(new BrokerConfig(settings("svc:secret", true)));
        RegisteredSchema latest = source.latest("s-value");
        assertThat(latest.id()).isEqualTo(4);
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.format()).isEqualTo(SchemaFormat.JSON);
        assertThat(latest.text()).isEqualTo("{\"type\":\"object\"}");
    }

    @Test
    void wrongCredentialsAndAnUntrustedCertificateFailWithTheReason() {
        SchemaSource wrongPassword = RegistryClients.fromConfig(new BrokerConfig(settings("svc:wrong", true)));
        assertThatThrownBy(() -> wrongPassword.latest("s-value"))
                .isInstanceOf(SchemaSource.SchemaLookupException.class)
                .hasMessageContaining("401");
        SchemaSource untrusted = RegistryClients.fromConfig(new BrokerConfig(settings("svc:secret", false)));
        assertThatThrownBy(() -> untrusted.latest("s-value"))
                .isInstanceOf(SchemaSource.SchemaLookupException.class)
                .hasMessageContaining("unreachable");
    }

    @Test
    void noUrlMeansNoRegistryAndAnUnreadableTrustStoreFailsTheStart() {
        assertThat(RegistryClients.fromConfig(new BrokerConfig(Map.of()))).isSameAs(SchemaSource.NONE);
        Map<String, Object> s = settings("svc:secret", true);
        s.put(SchemaRegistrySettings.TRUSTSTORE_CONFIG, "/no/such/store.p12");
        assertThatThrownBy(() -> RegistryClients.fromConfig(new BrokerConfig(s)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SchemaRegistrySettings.TRUSTSTORE_CONFIG);
    }
}
