/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import static io.tributary.mqtt.config.ListenerSettings.*;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.tributary.mqtt.config.BrokerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS context of the tls and wss listeners, rebuilt when its files change ({@code tls.reload.interval.ms}):
 * certificates are renewed (ACME, a cert-manager secret) without a restart and without dropping a connection. The
 * TLS handler of a connection is made from the context in force when it is accepted, so new handshakes use the
 * new certificate and open connections keep theirs. The files are compared by content; a change is taken once it
 * has settled (the same on two looks in a row), so a renewal that writes the certificate and then the key is read
 * whole. A new set of files that does not make a context is logged once, as an error, and the old one stays.
 */
final class ReloadingTlsContext implements Supplier<SslContext>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadingTlsContext.class);

    private final BrokerConfig config;
    private final List<Path> files;
    private final @Nullable ScheduledExecutorService timer;
    private volatile ServerTlsContext.Built current;
    // The looks at the files, on the timer's thread only.
    private String inForce;
    private String lastSeen;
    private @Nullable String refused;

    private ReloadingTlsContext(BrokerConfig config, List<Path> files, ServerTlsContext.Built first, String digest) {
        this.config = config;
        this.files = files;
        this.current = first;
        this.inForce = digest;
        this.lastSeen = digest;
        long interval = config.getLong(TLS_RELOAD_INTERVAL_CONFIG);
        if (interval > 0) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tls-reload");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::lookAtFiles, interval, interval, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    /** Builds the context (a bad file fails the start, naming it) and starts watching its files. */
    static ReloadingTlsContext start(BrokerConfig config) {
        List<Path> files = Stream.of(
                        TLS_CERT_FILE_CONFIG, TLS_KEY_FILE_CONFIG, TLS_KEYSTORE_FILE_CONFIG, TLS_CA_FILE_CONFIG)
                .map(config::getString)
                .filter(f -> !f.isBlank())
                .map(Path::of)
                .toList();
        String digest = digest(files);
        ServerTlsContext.Built built = ServerTlsContext.of(config);
        LOG.info(
                "TLS through the {} provider{}, protocols {}, client certificates {}; certificate {}",
                built.provider(),
                built.provider() == SslProvider.OPENSSL ? " (" + OpenSsl.versionString() + ")" : "",
                config.getList(TLS_PROTOCOLS_CONFIG),
                config.getString(TLS_CLIENT_AUTH_CONFIG).toLowerCase(Locale.ROOT),
                built.describeCertificate());
        return new ReloadingTlsContext(config, files, built, digest);
    }

    @Override
    public SslContext get() {
        return current.context();
    }

    /** The TLS implementation in use: JDK or OPENSSL. */
    SslProvider provider() {
        return current.provider();
    }

    /** The node's certificate in force. */
    X509Certificate certificate() {
        return current.certificate();
    }

    /** Rebuilds the context when the files changed and have settled. */
    void lookAtFiles() {
        String now = digest(files);
        String before = lastSeen;
        lastSeen = now;
        if (now.equals(inForce) || !now.equals(before) || now.equals(refused)) {
            return; // unchanged, still changing, or already refused
        }
        try {
            ServerTlsContext.Built built = ServerTlsContext.of(config);
            current = built;
            inForce = now;
            refused = null;
            LOG.info("TLS files {} changed: new handshakes use certificate {}", files, built.describeCertificate());
        } catch (RuntimeException e) {
            refused = now;
            LOG.error(
                    "TLS files {} changed but do not make a TLS context, the previous certificate stays in use: {}",
                    files,
                    e.getMessage());
        }
    }

    /** A digest of the files' names and contents; a file that cannot be read counts as its own content. */
    private static String digest(List<Path> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path file : files) {
                sha.update(file.toString().getBytes(StandardCharsets.UTF_8));
                try {
                    sha.update(Files.readAllBytes(file));
                } catch (IOException e) {
                    sha.update(("unreadable: " + e).getBytes(StandardCharsets.UTF_8));
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
