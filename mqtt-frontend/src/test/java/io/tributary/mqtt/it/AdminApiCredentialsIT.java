/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.tributary.mqtt.admin.AdminCommand;
import io.tributary.mqtt.auth.CredentialsFile;
import io.tributary.mqtt.auth.Scram;
import io.tributary.mqtt.auth.ScramCredential;
import io.tributary.mqtt.config.AdminApiSettings;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.JwtSettings;
import io.tributary.mqtt.config.ListenerSettings;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import io.tributary.mqtt.testing.TestBroker;
import io.tributary.mqtt.testing.TestCertificates;
import io.tributary.mqtt.testing.TestTokens;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin HTTP API asks every request for credentials: anonymous or wrong ones get 401 and change nothing, the
 * configured token and admin users (HTTP Basic, or a JWT naming them) get in, other users get 403; it serves HTTPS
 * with a test-generated certificate; a node without configured credentials generates a token into its data
 * directory; and the CLI passes credentials.
 */
class AdminApiCredentialsIT {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final TestTokens TOKENS = new TestTokens();
    static final TestCertificates CA = TestCertificates.authority("admin-test-ca");

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withSettings(Map.of(
            BrokerConfig.ADMIN_HTTP_PORT_CONFIG,
            "0",
            BrokerConfig.AUTH_USERS_FILE_CONFIG,
            usersFile().toString(),
            AdminApiSettings.USERS_CONFIG,
            "root",
            JwtSettings.JWKS_FILE_CONFIG,
            TOKENS.jwksFile().toString(),
            JwtSettings.ISSUER_CONFIG,
            TestTokens.ISSUER));

    static BrokerNode https;
    static Map<String, Object> httpsSettings;
    static BrokerNode generated;
    static Path generatedDataDir;

    static Path usersFile() {
        try {
            Path file = Files.createTempFile("tributary-admin-users", ".txt");
            Files.writeString(
                    file,
                    CredentialsFile.line("root", ScramCredential.fromPassword("root-pw", Scram.MIN_ITERATIONS)) + "\n"
                            + CredentialsFile.line("bob", ScramCredential.fromPassword("bob-pw", Scram.MIN_ITERATIONS))
                            + "\n");
            file.toFile().deleteOnExit();
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void startHttpsAndGeneratedTokenNodes() throws Exception {
        TestCertificates.Issued cert = CA.server("admin-node");
        Map<String, Object> tls = TestBroker.isolatedSettings();
        tls.put(BrokerConfig.ADMIN_HTTP_PORT_CONFIG, "0");
        tls.put(AdminApiSettings.TLS_ENABLED_CONFIG, "true");
        tls.put(ListenerSettings.TLS_CERT_FILE_CONFIG, cert.certPem().toString());
        tls.put(ListenerSettings.TLS_KEY_FILE_CONFIG, cert.keyPem().toString());
        tls.put(BrokerConfig.NODE_ID_CONFIG, "admin-https");
        httpsSettings = tls;
        https = broker.startNode(tls);

        generatedDataDir = Files.createTempDirectory("tributary-admin-data");
        Map<String, Object> plain = TestBroker.isolatedSettings();
        plain.remove(AdminApiSettings.TOKEN_FILE_CONFIG);
        plain.put(BrokerConfig.ADMIN_HTTP_PORT_CONFIG, "0");
        plain.put(BrokerConfig.DATA_DIR_CONFIG, generatedDataDir.toString());
        generated = broker.startNode(plain);
    }

    static HttpResponse<String> send(BrokerNode node, String method, String path, String body, String authorization)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static final String TOKEN = "Bearer " + TestBroker.ADMIN_TOKEN;

    @Test
    void anonymousAndWrongCredentialsGet401AndChangeNothing() throws Exception {
        BrokerNode node = broker.node();
        String acl = "{\"principal\":\"x\",\"action\":\"all\",\"filter\":\"keep/#\",\"permission\":\"allow\"}";
        assertThat(send(node, "PUT", "/v1/acls/keep-me", acl, TOKEN).statusCode())
                .isEqualTo(200);
        for (String authorization :
                new String[] {null, "Bearer wrong-token", basic("root", "wrong"), basic("nobody", "x"), "Digest x"}) {
            List<HttpResponse<String>> answers = new ArrayList<>();
            answers.add(send(node, "GET", "/v1/users", null, authorization));
            answers.add(send(node, "PUT", "/v1/users/mallory", "{\"password\":\"m\"}", authorization));
            answers.add(send(node, "DELETE", "/v1/acls/keep-me", null, authorization));
            answers.add(send(node, "PUT", "/v1/configs/auth.mode", "{\"value\":\"none\"}", authorization));
            for (HttpResponse<String> r : answers) {
                assertThat(r.statusCode()).as(authorization + " " + r.request()).isEqualTo(401);
                assertThat(r.headers().allValues("WWW-Authenticate"))
                        .anyMatch(v -> v.startsWith("Bearer"))
                        .anyMatch(v -> v.startsWith("Basic"));
                assertThat(r.body()).doesNotContain("keep/#");
            }
        }
        assertThat(send(node, "GET", "/v1/users/mallory", null, TOKEN).statusCode())
                .isEqualTo(404);
        assertThat(send(node, "GET", "/v1/acls/keep-me", null, TOKEN).statusCode())
                .isEqualTo(200);
        assertThat(node.placementImage().users()).doesNotContainKey("mallory");
    }

    @Test
    void theTokenAndAdminUsersGetInOtherUsersGet403() throws Exception {
        BrokerNode node = broker.node();
        assertThat(send(node, "GET", "/v1/configs", null, TOKEN).statusCode()).isEqualTo(200);
        assertThat(send(node, "GET", "/v1/configs", null, basic("root", "root-pw"))
                        .statusCode())
                .isEqualTo(200);
        String rootJwt = "Bearer " + TOKENS.good("root", Duration.ofMinutes(5), c -> c);
        assertThat(send(node, "GET", "/v1/clients", null, rootJwt).statusCode()).isEqualTo(200);

        HttpResponse<String> bob =
                send(node, "PUT", "/v1/users/bob-was-here", "{\"password\":\"b\"}", basic("bob", "bob-pw"));
        assertThat(bob.statusCode()).isEqualTo(403);
        assertThat(bob.body()).contains("user bob may not use the admin API");
        String bobJwt = "Bearer " + TOKENS.good("bob", Duration.ofMinutes(5), c -> c);
        assertThat(send(node, "GET", "/v1/users", null, bobJwt).statusCode()).isEqualTo(403);
        String expiredRoot = "Bearer " + TOKENS.good("root", Duration.ofSeconds(-60), c -> c);
        assertThat(send(node, "GET", "/v1/users", null, expiredRoot).statusCode())
                .isEqualTo(401);
        assertThat(send(node, "GET", "/v1/users/bob-was-here", null, TOKEN).statusCode())
                .isEqualTo(404);
    }

    @Test
    void theApiServesHttpsWithTheNodesCertificate() throws Exception {
        SSLContext trusting = SSLContext.getInstance("TLS");
        trusting.init(null, CA.trustManagers().getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(trusting).build();
        URI uri = URI.create("https://localhost:" + https.adminPort() + "/v1/configs");
        HttpResponse<String> ok = client.send(
                HttpRequest.newBuilder(uri).header("Authorization", TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(401);
        assertThatThrownBy(() -> HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + https.adminPort() + "/v1/configs"))
                                .header("Authorization", TOKEN)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.io.IOException.class); // plain HTTP to the HTTPS port
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(https.placementImage()
                                .nodes()
                                .get("admin-https")
                                .listeners())
                        .contains("https://127.0.0.1:" + https.adminPort()));
    }

    @Test
    void withoutConfiguredCredentialsTheNodeGeneratesAnOwnerOnlyTokenFile() throws Exception {
        Path file = generatedDataDir.resolve(AdminApiSettings.GENERATED_TOKEN_FILE);
        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        String token = Files.readString(file).strip();
        assertThat(token).hasSizeGreaterThanOrEqualTo(40);
        assertThat(send(generated, "GET", "/v1/configs", null, "Bearer " + token)
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(generated, "GET", "/v1/configs", null, TOKEN).statusCode())
                .isEqualTo(401);
    }

    @Test
    void theCliPassesTokenOrUserCredentialsAndSaysWhenRefused() throws Exception {
        Mqtt5BlockingClient c = MqttClient.builder()
                .useMqttVersion5()
                .identifier("admin-cli-client")
                .serverHost("127.0.0.1")
                .serverPort(broker.node().mqttPort())
                .simpleAuth()
                .username("bob")
                .password("bob-pw".getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .buildBlocking();
        c.connect();
        try {
            Map<String, Object> settings = broker.settings();
            String[] withToken = {"--token-file", TestBroker.ADMIN_TOKEN_FILE.toString(), "clients"};
            String[] withUser = {"--user", "root", "--password", "root-pw", "clients"};
            for (String[] args : List.of(withToken, withUser)) {
                Result r = cli(settings, args);
                assertThat(r.rc()).as(r.err()).isZero();
                assertThat(r.out()).contains("admin-cli-client");
            }
            Result nonAdmin = cli(settings, "--user", "bob", "--password", "bob-pw", "clients");
            assertThat(nonAdmin.rc()).isEqualTo(1);
            assertThat(nonAdmin.err()).contains("refused the request (403");
            Result anonymous = cli(settings, "--token", "wrong", "kick", "admin-cli-client");
            assertThat(anonymous.rc()).isEqualTo(1);
            assertThat(anonymous.err()).contains("refused the request (401");
            assertThat(c.getState().isConnected()).isTrue();

            Result overTls = cli(
                    httpsSettings,
                    "--token",
                    TestBroker.ADMIN_TOKEN,
                    "--admin-ca-file",
                    CA.caPem().toString(),
                    "clients");
            assertThat(overTls.rc()).as(overTls.err()).isZero();
            assertThat(overTls.out()).startsWith("NODE");
        } finally {
            c.disconnect();
        }
    }

    record Result(int rc, String out, String err) {}

    static Result cli(Map<String, Object> cluster, String... args) {
        List<String> full = new ArrayList<>(List.of(
                "--kafka-bootstrap",
                broker.bootstrapServers(),
                "--placement-topic",
                cluster.get(BrokerConfig.PLACEMENT_TOPIC_CONFIG).toString(),
                "--sessions-topic",
                cluster.get(BrokerConfig.SESSIONS_TOPIC_CONFIG).toString()));
        full.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = AdminCommand.run(full.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(rc, out.toString(), err.toString());
    }
}
