/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import static io.tributary.mqtt.config.ListenerSettings.*;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.tributary.mqtt.config.AdminApiSettings;
import io.tributary.mqtt.config.BrokerConfig;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The port of the admin HTTP API, and the JDK TLS context of the HTTPS admin API ({@code admin.http.tls.enabled}), from the node's key material of the
 * {@code tls.*} settings (PEM certificate and key, or a PKCS12 keystore) and {@code tls.protocols}. The JDK's HTTPS
 * server needs a JDK {@link SSLContext}, so this is built on the JDK provider whatever the MQTT listeners use. No
 * client certificates: administrators authenticate with a token or a password.
 */
public final class AdminHttpListener {

    private AdminHttpListener() {}

    /**
     * Binds the admin API's port, HTTPS when {@code admin.http.tls.enabled} (its key material is read now, so a bad
     * file fails the start before Kafka is touched); it serves nothing until {@link AdminHttpServer#start}. Kept
     * apart from the server so a node binding its ports loads nothing else of the admin API.
     */
    public static HttpServer bind(BrokerConfig config, InetSocketAddress address) throws IOException {
        if (!config.getBoolean(AdminApiSettings.TLS_ENABLED_CONFIG)) {
            return HttpServer.create(address, 16);
        }
        HttpsServer https = HttpsServer.create(address, 16);
        https.setHttpsConfigurator(tls(config));
        return https;
    }

    /** {@code http} or {@code https}: the scheme of the address the node registers for a server bound here. */
    public static String scheme(HttpServer bound) {
        return bound instanceof HttpsServer ? "https" : "http";
    }

    /** The configurator of an {@code HttpsServer}; a file that cannot be read fails the start, naming the setting. */
    private static HttpsConfigurator tls(BrokerConfig config) {
        SSLContext context =
                config.getString(TLS_KEYSTORE_FILE_CONFIG).isBlank() ? fromPem(config) : fromKeystore(config);
        List<String> protocols = config.getList(TLS_PROTOCOLS_CONFIG);
        return new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = context.getDefaultSSLParameters();
                p.setProtocols(protocols.toArray(String[]::new));
                params.setSSLParameters(p);
            }
        };
    }

    private static SSLContext fromPem(BrokerConfig config) {
        String cert = config.getString(TLS_CERT_FILE_CONFIG);
        String key = config.getString(TLS_KEY_FILE_CONFIG);
        readable(TLS_CERT_FILE_CONFIG, cert);
        readable(TLS_KEY_FILE_CONFIG, key);
        Password keyPassword = config.getPassword(TLS_KEY_PASSWORD_CONFIG);
        try {
            JdkSslContext netty = (JdkSslContext) SslContextBuilder.forServer(
                            new File(cert), new File(key), keyPassword == null ? null : keyPassword.value())
                    .sslProvider(SslProvider.JDK)
                    .build();
            return netty.context();
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(
                    TLS_KEY_FILE_CONFIG,
                    key,
                    "with " + TLS_CERT_FILE_CONFIG + " does not make a TLS context for the admin HTTP API: "
                            + e.getMessage());
        }
    }

    private static SSLContext fromKeystore(BrokerConfig config) {
        String file = config.getString(TLS_KEYSTORE_FILE_CONFIG);
        readable(TLS_KEYSTORE_FILE_CONFIG, file);
        Password store = config.getPassword(TLS_KEYSTORE_PASSWORD_CONFIG);
        Password key = config.getPassword(TLS_KEY_PASSWORD_CONFIG);
        char[] storePassword = store == null ? null : store.value().toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, storePassword);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(ks, key == null ? storePassword : key.value().toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(
                    TLS_KEYSTORE_FILE_CONFIG,
                    file,
                    "not a PKCS12 keystore this " + TLS_KEYSTORE_PASSWORD_CONFIG + " opens: " + e.getMessage());
        }
    }

    private static void readable(String setting, String file) {
        if (!Files.isReadable(Path.of(file))) {
            throw new ConfigException(setting, file, "no such file, or it cannot be read");
        }
    }
}
