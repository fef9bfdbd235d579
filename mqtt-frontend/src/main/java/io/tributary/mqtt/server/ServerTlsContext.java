/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static io.tributary.mqtt.config.ListenerSettings.*;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.tributary.mqtt.config.BrokerConfig;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS context of the node's TLS listeners ({@code mqtt.tls}, {@code mqtt.wss}), built from the {@code tls.*}
 * settings when the listeners bind: a missing or unreadable file fails the start with a message naming the
 * setting and the file. Netty's {@code SslHandler} runs it on the JDK's TLS provider, or on OpenSSL when
 * {@code netty-tcnative} is on the class path; the node logs which.
 */
final class ServerTlsContext {

    private static final Logger LOG = LoggerFactory.getLogger(ServerTlsContext.class);

    private ServerTlsContext() {}

    /** The context of the TLS settings; {@code config} was validated (one key source, a CA when needed). */
    static SslContext of(BrokerConfig config) {
        SslContextBuilder builder =
                config.getString(TLS_KEYSTORE_FILE_CONFIG).isBlank() ? fromPem(config) : fromKeystore(config);
        List<String> protocols = config.getList(TLS_PROTOCOLS_CONFIG);
        List<String> ciphers = config.getList(TLS_CIPHER_SUITES_CONFIG);
        ClientAuth clientAuth = clientAuth(config.getString(TLS_CLIENT_AUTH_CONFIG));
        builder.protocols(protocols).ciphers(ciphers.isEmpty() ? null : ciphers).clientAuth(clientAuth);
        if (clientAuth != ClientAuth.NONE) {
            builder.trustManager(certificates(TLS_CA_FILE_CONFIG, config.getString(TLS_CA_FILE_CONFIG))
                    .toArray(X509Certificate[]::new));
        }
        SslProvider provider = SslContext.defaultServerProvider();
        try {
            SslContext context = builder.sslProvider(provider).build();
            LOG.info(
                    "TLS through the {} provider, protocols {}, client certificates {}",
                    provider,
                    protocols,
                    config.getString(TLS_CLIENT_AUTH_CONFIG).toLowerCase(Locale.ROOT));
            return context;
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("the TLS settings do not make a TLS context (" + TLS_PROTOCOLS_CONFIG + ", "
                    + TLS_CIPHER_SUITES_CONFIG + ", key and certificate): " + e.getMessage());
        }
    }

    private static ClientAuth clientAuth(String setting) {
        return switch (setting.toLowerCase(Locale.ROOT)) {
            case "required" -> ClientAuth.REQUIRE;
            case "optional" -> ClientAuth.OPTIONAL;
            default -> ClientAuth.NONE;
        };
    }

    private static SslContextBuilder fromPem(BrokerConfig config) {
        String certFile = config.getString(TLS_CERT_FILE_CONFIG);
        String keyFile = config.getString(TLS_KEY_FILE_CONFIG);
        List<X509Certificate> chain = certificates(TLS_CERT_FILE_CONFIG, certFile);
        readable(TLS_KEY_FILE_CONFIG, keyFile);
        Password keyPassword = config.getPassword(TLS_KEY_PASSWORD_CONFIG);
        try {
            return SslContextBuilder.forServer(
                    new File(certFile), new File(keyFile), keyPassword == null ? null : keyPassword.value());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    TLS_KEY_FILE_CONFIG,
                    keyFile,
                    "not a PKCS#8 PEM private key (BEGIN PRIVATE KEY) for the certificate of " + TLS_CERT_FILE_CONFIG
                            + " (" + chain.get(0).getSubjectX500Principal() + "): " + e.getMessage());
        }
    }

    private static SslContextBuilder fromKeystore(BrokerConfig config) {
        String file = config.getString(TLS_KEYSTORE_FILE_CONFIG);
        readable(TLS_KEYSTORE_FILE_CONFIG, file);
        char[] storePassword = chars(config.getPassword(TLS_KEYSTORE_PASSWORD_CONFIG));
        Password keyPassword = config.getPassword(TLS_KEY_PASSWORD_CONFIG);
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, storePassword);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, keyPassword == null ? storePassword : chars(keyPassword));
            return SslContextBuilder.forServer(keys);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(
                    TLS_KEYSTORE_FILE_CONFIG,
                    file,
                    "not a PKCS12 keystore this " + TLS_KEYSTORE_PASSWORD_CONFIG + " opens: " + e.getMessage());
        }
    }

    /** The X.509 certificates of a PEM file, at least one. */
    private static List<X509Certificate> certificates(String setting, String file) {
        readable(setting, file);
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast)
                    .toList();
            if (certs.isEmpty()) {
                throw new ConfigException(setting, file, "holds no PEM certificate (BEGIN CERTIFICATE)");
            }
            return certs;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(setting, file, "not a PEM certificate file: " + e.getMessage());
        }
    }

    private static void readable(String setting, String file) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(setting, file, "no such file");
        }
        if (!Files.isReadable(path)) {
            throw new ConfigException(setting, file, "the file cannot be read (permissions)");
        }
    }

    private static char @Nullable [] chars(@Nullable Password password) {
        return password == null ? null : password.value().toCharArray();
    }
}
