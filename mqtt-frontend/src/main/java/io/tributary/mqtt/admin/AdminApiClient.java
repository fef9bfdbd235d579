/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import io.tributary.mqtt.config.AdminApiSettings;
import io.tributary.mqtt.config.BrokerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * How {@code bin/tributary admin} talks to a node's admin HTTP API: the {@code Authorization} header of the
 * credentials it was given, and an HTTP client that trusts {@code --admin-ca-file} for {@code https://} nodes.
 * Credentials, first found wins: {@code --token}, {@code --token-file}, {@code --user} with {@code --password} (or
 * {@code TRIBUTARY_ADMIN_PASSWORD}), {@code TRIBUTARY_ADMIN_TOKEN}, then the token a node generated into
 * {@code ./data/admin.token} (the quick start's data directory), if that file exists.
 */
final class AdminApiClient {

    static final String TOKEN_ENV = "TRIBUTARY_ADMIN_TOKEN";
    static final String PASSWORD_ENV = "TRIBUTARY_ADMIN_PASSWORD";

    /** The credentials options of {@link AdminCommand}, all optional. */
    record Options(
            @Nullable String token,
            @Nullable Path tokenFile,
            @Nullable String user,
            @Nullable String password,
            @Nullable Path caFile) {}

    private AdminApiClient() {}

    /** The header value for the given credentials, or null when there are none. */
    static @Nullable String authorization(Options o, Map<String, String> env) {
        if (o.token() != null) {
            return "Bearer " + o.token().strip();
        }
        if (o.tokenFile() != null) {
            return "Bearer " + firstToken(o.tokenFile(), "--token-file");
        }
        if (o.user() != null) {
            String password = o.password() != null ? o.password() : env.get(PASSWORD_ENV);
            if (password == null) {
                throw new IllegalArgumentException("--user " + o.user() + " needs --password or " + PASSWORD_ENV);
            }
            String pair = o.user() + ":" + password;
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
        String fromEnv = env.get(TOKEN_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return "Bearer " + fromEnv.strip();
        }
        Path generated = Path.of(BrokerConfig.DATA_DIR_DEFAULT, AdminApiSettings.GENERATED_TOKEN_FILE);
        return Files.isReadable(generated) ? "Bearer " + firstToken(generated, generated.toString()) : null;
    }

    private static String firstToken(Path file, String what) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(what + " " + file + " holds no token"));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    /** An HTTP client with {@code connectTimeout}, trusting {@code caFile}'s certificates when given. */
    static HttpClient http(@Nullable Path caFile, Duration connectTimeout) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout);
        if (caFile != null) {
            b.sslContext(trusting(caFile));
        }
        return b.build();
    }

    private static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + n++, c);
            }
            if (n == 0) {
                throw new IllegalArgumentException("--admin-ca-file " + caFile + " holds no PEM certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read --admin-ca-file " + caFile + ": " + e.getMessage());
        }
    }

    /** {@code request} with the credentials' header, if any. */
    static HttpRequest.Builder withCredentials(HttpRequest.Builder request, @Nullable String authorization) {
        return authorization == null ? request : request.header("Authorization", authorization);
    }
}
