/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static io.tributary.mqtt.config.ListenerSettings.*;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
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
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.jspecify.annotations.Nullable;

/**
 * The TLS context of the node's TLS listeners ({@code mqtt.tls}, {@code mqtt.wss}), built from the {@code tls.*}
 * settings when the listeners bind: a missing or unreadable file fails the start with a message naming the
 * setting and the file (and again by {@link ReloadingTlsContext} when the files change). Netty's
 * {@code SslHandler} runs it on the JDK's TLS provider or on OpenSSL ({@code tls.provider}).
 */
final class ServerTlsContext {

    private ServerTlsContext() {}

    /**
     * A context built from the TLS settings, with the node's own certificate and the provider that runs it.
     *
     * @param context what the TLS handlers of new connections are made from
     * @param certificate the node's certificate (the first of its chain)
     * @param provider JDK or OPENSSL
     */
    record Built(SslContext context, X509Certificate certificate, SslProvider provider) {

        /** {@code CN=broker,O=acme, serial 1f2e, valid until 2027-01-01T00:00:00Z}. */
        String describeCertificate() {
            return certificate.getSubjectX500Principal().getName(X500Principal.RFC2253) + ", serial "
                    + certificate.getSerialNumber().toString(16) + ", valid until "
                    + certificate.getNotAfter().toInstant();
        }
    }

    /** The context of the TLS settings; {@code config} was validated (one key source, a CA when needed). */
    static Built of(BrokerConfig config) {
        KeyMaterial keys =
                config.getString(TLS_KEYSTORE_FILE_CONFIG).isBlank() ? fromPem(config) : fromKeystore(config);
        SslContextBuilder builder = keys.builder();
        List<String> protocols = config.getList(TLS_PROTOCOLS_CONFIG);
        List<String> ciphers = config.getList(TLS_CIPHER_SUITES_CONFIG);
        ClientAuth clientAuth = clientAuth(config.getString(TLS_CLIENT_AUTH_CONFIG));
        builder.protocols(protocols).ciphers(ciphers.isEmpty() ? null : ciphers).clientAuth(clientAuth);
        if (clientAuth != ClientAuth.NONE) {
            builder.trustManager(certificates(TLS_CA_FILE_CONFIG, config.getString(TLS_CA_FILE_CONFIG))
                    .toArray(X509Certificate[]::new));
        }
        SslProvider provider = provider(config);
        try {
            return new Built(builder.sslProvider(provider).build(), keys.certificate(), provider);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("the TLS settings do not make a TLS context (" + TLS_PROTOCOLS_CONFIG + ", "
                    + TLS_CIPHER_SUITES_CONFIG + ", key and certificate): " + e.getMessage());
        }
    }

    /**
     * The TLS implementation {@code tls.provider} asks for: OpenSSL (BoringSSL of netty-tcnative) when it loads
     * and is asked for or left to {@code auto}, else the JDK's.
     */
    static SslProvider provider(BrokerConfig config) {
        String setting = config.getString(TLS_PROVIDER_CONFIG).toLowerCase(Locale.ROOT);
        return switch (setting) {
            case "jdk" -> SslProvider.JDK;
            case "openssl" -> {
                if (!OpenSsl.isAvailable()) {
                    throw new ConfigException(
                            TLS_PROVIDER_CONFIG,
                            setting,
                            "OpenSSL is not available (netty-tcnative-boringssl-static for this platform on the "
                                    + "class path?): " + OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL;
            }
            default -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        };
    }

    /** The node's key and certificate, read from PEM files or a keystore. */
    private record KeyMaterial(SslContextBuilder builder, X509Certificate certificate) {}

    private static ClientAuth clientAuth(String setting) {
        return switch (setting.toLowerCase(Locale.ROOT)) {
            case "required" -> ClientAuth.REQUIRE;
            case "optional" -> ClientAuth.OPTIONAL;
            default -> ClientAuth.NONE;
        };
    }

    private static KeyMaterial fromPem(BrokerConfig config) {
        String certFile = config.getString(TLS_CERT_FILE_CONFIG);
        String keyFile = config.getString(TLS_KEY_FILE_CONFIG);
        List<X509Certificate> chain = certificates(TLS_CERT_FILE_CONFIG, certFile);
        readable(TLS_KEY_FILE_CONFIG, keyFile);
        Password keyPassword = config.getPassword(TLS_KEY_PASSWORD_CONFIG);
        try {
            return new KeyMaterial(
                    SslContextBuilder.forServer(
                            new File(certFile), new File(keyFile), keyPassword == null ? null : keyPassword.value()),
                    chain.get(0));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    TLS_KEY_FILE_CONFIG,
                    keyFile,
                    "not a PKCS#8 PEM private key (BEGIN PRIVATE KEY) for the certificate of " + TLS_CERT_FILE_CONFIG
                            + " (" + chain.get(0).getSubjectX500Principal() + "): " + e.getMessage());
        }
    }

    private static KeyMaterial fromKeystore(BrokerConfig config) {
        String file = config.getString(TLS_KEYSTORE_FILE_CONFIG);
        readable(TLS_KEYSTORE_FILE_CONFIG, file);
        char[] storePassword = chars(config.getPassword(TLS_KEYSTORE_PASSWORD_CONFIG));
        Password keyPassword = config.getPassword(TLS_KEY_PASSWORD_CONFIG);
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, storePassword);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, keyPassword == null ? storePassword : chars(keyPassword));
            return new KeyMaterial(SslContextBuilder.forServer(keys), keystoreCertificate(store, file));
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(
                    TLS_KEYSTORE_FILE_CONFIG,
                    file,
                    "not a PKCS12 keystore this " + TLS_KEYSTORE_PASSWORD_CONFIG + " opens: " + e.getMessage());
        }
    }

    private static X509Certificate keystoreCertificate(KeyStore store, String file) throws GeneralSecurityException {
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate certificate) {
                return certificate;
            }
        }
        throw new ConfigException(TLS_KEYSTORE_FILE_CONFIG, file, "holds no private key with an X.509 certificate");
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
