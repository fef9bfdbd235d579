/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.config.JwtSettings;
import io.tributary.mqtt.config.ListenerSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * The node's authentication policy: whether clients must authenticate ({@code auth.mode}), where users
 * come from (a {@link UserStore}), and the enhanced authentication methods on offer. Shared by every
 * connection; each connection's exchange is an {@link AuthExchange}.
 */
public final class AuthService implements AutoCloseable {

    /** {@code auth.mode}. */
    public enum Mode {
        /** Anonymous clients are let in; credentials a client does send are checked if users are configured. */
        NONE,
        /** Every client authenticates, with user name and password or with an enhanced method. */
        REQUIRED;

        /** The mode an {@code auth.mode} value names, in any case. */
        public static Mode of(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }

    private static final AuthService ANONYMOUS = new AuthService(Mode.NONE, null, List.of());

    /** A cluster-wide setting, which an administrator may change while the node runs: read at each CONNECT. */
    private volatile Mode mode;

    /** {@code auth.client-id.must-match}, read at each CONNECT. */
    private volatile ClientIdRule clientIdRule = ClientIdRule.NONE;

    private final @Nullable UserStore users;
    private final Map<String, Authenticator> methods;
    /** How a verified client certificate names its principal; null when certificates do not authenticate. */
    private final @Nullable CertificatePrincipalMapping certificates;

    /** Verifies JWTs presented as passwords or through Authentication Method JWT; null when JWT login is off. */
    private @Nullable JwtVerifier jwt;
    /** Authentication Method {@code JWT}, with {@link #jwt}. */
    private @Nullable JwtAuthenticator jwtMethod;
    /** {@code auth.jwt.expiry=reauthenticate}: a re-authentication with a fresh token extends the connection. */
    private boolean reauthenticationExtends = true;

    private volatile @Nullable ThreadPoolExecutor hashing;

    public AuthService(Mode mode, @Nullable UserStore users, List<Authenticator> methods) {
        this(mode, users, methods, null);
    }

    /** @param certificates non-null: a verified client certificate authenticates its mapped principal */
    public AuthService(
            Mode mode,
            @Nullable UserStore users,
            List<Authenticator> methods,
            @Nullable CertificatePrincipalMapping certificates) {
        if (mode == Mode.REQUIRED && users == null && certificates == null) {
            throw new IllegalArgumentException("auth.mode=required needs a user store or client certificates");
        }
        this.mode = mode;
        this.users = users;
        this.certificates = certificates;
        this.methods =
                methods.stream().collect(Collectors.toUnmodifiableMap(Authenticator::method, Function.identity()));
    }

    /** Today's behaviour without configuration: everybody in, no enhanced methods. */
    public static AuthService anonymous() {
        return ANONYMOUS;
    }

    /** From {@code auth.mode} and {@code auth.users.file}, without users of the cluster metadata. */
    public static AuthService fromConfig(BrokerConfig config) {
        return fromConfig(config, UserStore.NONE);
    }

    /**
     * From {@code auth.mode} and {@code auth.users.file}, plus the users of the cluster metadata
     * ({@code clusterUsers}, live: a user added with {@code bin/tributary admin user put} can log in within a
     * second on every node). A name in the file wins over the same name in the metadata. SCRAM-SHA-256 is
     * offered, and credentials a client sends are checked, whenever some user exists.
     */
    public static AuthService fromConfig(BrokerConfig config, UserStore clusterUsers) {
        Mode mode = Mode.of(config.getString(BrokerConfig.AUTH_MODE_CONFIG));
        String file = config.getString(BrokerConfig.AUTH_USERS_FILE_CONFIG);
        UserStore users = clusterUsers;
        if (!file.isBlank()) {
            try {
                users = UserStore.both(CredentialsFile.load(Path.of(file)), clusterUsers);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(BrokerConfig.AUTH_USERS_FILE_CONFIG, file, e.getMessage());
            }
        }
        CertificatePrincipalMapping certificates = certificateLogin(config);
        JwtVerifier jwt = JwtVerifier.fromConfig(config); // a bad JWKS file fails the start here
        if (mode == Mode.NONE && users == UserStore.NONE && certificates == null && jwt == null) {
            return ANONYMOUS;
        }
        AuthService service = new AuthService(mode, users, List.of(new ScramSha256Authenticator(users)), certificates);
        service.clientIdRule(ClientIdRule.of(config.getString(BrokerConfig.AUTH_CLIENT_ID_MUST_MATCH_CONFIG)));
        if (jwt != null) {
            service.jwt(jwt, "reauthenticate".equalsIgnoreCase(config.getString(JwtSettings.EXPIRY_CONFIG)));
        }
        return service;
    }

    /** The principal mapping when client certificates are asked for and authenticate, else null. */
    private static @Nullable CertificatePrincipalMapping certificateLogin(BrokerConfig config) {
        if (!ListenerSettings.clientCertificatesAsked(config)
                || !config.getBoolean(ListenerSettings.TLS_CERTIFICATE_AUTHENTICATES_CONFIG)) {
            return null;
        }
        String rules = config.getString(ListenerSettings.TLS_PRINCIPAL_MAPPING_RULES_CONFIG);
        CertificatePrincipalMapping.Source source =
                CertificatePrincipalMapping.Source.of(config.getString(ListenerSettings.TLS_PRINCIPAL_SOURCE_CONFIG));
        try {
            return CertificatePrincipalMapping.parse(rules, source);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ListenerSettings.TLS_PRINCIPAL_MAPPING_RULES_CONFIG, rules, e.getMessage());
        }
    }

    /**
     * The principal a verified client certificate with this RFC 2253 subject authenticates, or null: certificates
     * do not authenticate here, or no mapping rule names a principal.
     */
    public @Nullable String certificatePrincipal(String subject) {
        CertificatePrincipalMapping mapping = certificates;
        return mapping == null ? null : mapping.principalOf(subject);
    }

    /**
     * The principal a verified client certificate authenticates ({@code tls.principal.source} and the mapping
     * rules), or null: certificates do not authenticate here, or no rule names a principal.
     */
    public @Nullable String certificatePrincipal(X509Certificate certificate) {
        CertificatePrincipalMapping mapping = certificates;
        return mapping == null ? null : mapping.principalOf(certificate);
    }

    /**
     * Turns JWT login on: tokens as passwords and Authentication Method {@code JWT}. Called once, before the
     * listeners open. {@code reauthenticationExtends}: {@code auth.jwt.expiry=reauthenticate}.
     */
    public void jwt(JwtVerifier verifier, boolean reauthenticationExtends) {
        if (this == ANONYMOUS) {
            throw new IllegalStateException("the anonymous authentication service verifies no token");
        }
        this.jwt = verifier;
        this.reauthenticationExtends = reauthenticationExtends;
        this.jwtMethod = new JwtAuthenticator(verifier, task -> hashingPool().execute(task));
    }

    /** Whether a CONNECT password of this form is verified as a JWT (JWT login is on and it looks like one). */
    public boolean takesAsToken(byte @Nullable [] password) {
        return jwt != null && password != null && JwtVerifier.looksLikeJwt(password);
    }

    /** Verifies a token off the event loop (on the hashing pool); a full pool fails the future. */
    public CompletableFuture<JwtVerifier.Identity> verifyToken(String token) {
        JwtVerifier verifier = jwt;
        if (verifier == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("JWT login is off"));
        }
        try {
            return CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return verifier.verify(token);
                        } catch (JwtVerifier.Refused e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    },
                    hashingPool());
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** {@code auth.jwt.expiry=reauthenticate}: a re-authentication with a fresh token moves the connection's end. */
    public boolean reauthenticationExtends() {
        return reauthenticationExtends;
    }

    /** Applies {@code auth.client-id.must-match} to the next CONNECT. */
    public void clientIdRule(ClientIdRule rule) {
        if (this == ANONYMOUS) {
            throw new IllegalStateException("the anonymous authentication service binds no client id");
        }
        clientIdRule = rule;
    }

    /** Why the authenticated {@code user} (null: anonymous) may not use {@code clientId}, or null when it may. */
    public @Nullable String clientIdRefused(String clientId, @Nullable String user) {
        return clientIdRule.refusal(clientId, user);
    }

    public static AuthService withUsers(Mode mode, UserStore users) {
        return new AuthService(mode, users, List.of(new ScramSha256Authenticator(users)));
    }

    /** Applies a new {@code auth.mode} to the next CONNECT; connected clients stay. */
    public void mode(Mode newMode) {
        if (this == ANONYMOUS || (newMode == Mode.REQUIRED && users == null)) {
            throw new IllegalStateException("this authentication service has no users to require");
        }
        mode = newMode;
    }

    public Mode mode() {
        return mode;
    }

    public boolean required() {
        return mode == Mode.REQUIRED;
    }

    /** Whether user names and passwords in CONNECT are checked (else they are ignored, as before auth existed). */
    public boolean checksPasswords() {
        return users != null && users.hasUsers();
    }

    /** The enhanced authentication method of that name, when offered: SCRAM needs users, JWT its keys. */
    public @Nullable Authenticator method(String name) {
        if (jwtMethod != null && JwtSettings.METHOD.equals(name)) {
            return jwtMethod;
        }
        return users != null && users.hasUsers() ? methods.get(name) : null;
    }

    /**
     * Checks a CONNECT's user name and password against the user store. PBKDF2 costs thousands of HMACs per
     * check, so it runs on a small pool of its own, never on an event loop; the future completes there. An
     * unknown user costs the same work as a known one (no timing hint about which users exist). A full pool
     * completes the future exceptionally (the caller answers "server busy").
     */
    public CompletableFuture<Boolean> verifyPassword(String username, byte[] password) {
        UserStore store = users;
        if (store == null) {
            return CompletableFuture.completedFuture(false);
        }
        String text = new String(password, StandardCharsets.UTF_8);
        try {
            return CompletableFuture.supplyAsync(
                    () -> {
                        ScramCredential c = store.credential(username);
                        if (text.isEmpty()) {
                            return false;
                        }
                        if (c == null) {
                            ScramCredential.fromPassword(text, Scram.MIN_ITERATIONS); // same cost as a real check
                            return false;
                        }
                        return c.matches(text);
                    },
                    hashingPool());
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private ThreadPoolExecutor hashingPool() {
        ThreadPoolExecutor pool = hashing;
        if (pool == null) {
            synchronized (this) {
                pool = hashing;
                if (pool == null) {
                    int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
                    pool = new ThreadPoolExecutor(
                            threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024), r -> {
                                Thread t = new Thread(r, "tributary-auth-hashing");
                                t.setDaemon(true);
                                return t;
                            });
                    pool.allowCoreThreadTimeOut(true);
                    hashing = pool;
                }
            }
        }
        return pool;
    }

    @Override
    public void close() {
        ThreadPoolExecutor pool = hashing;
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
