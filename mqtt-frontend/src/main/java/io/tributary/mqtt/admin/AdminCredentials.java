/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import static io.tributary.mqtt.config.AdminApiSettings.*;

import io.tributary.mqtt.auth.AuthService;
import io.tributary.mqtt.auth.JwtVerifier;
import io.tributary.mqtt.config.BrokerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call the admin HTTP API: the bearer tokens of {@code admin.http.token.file} (or of the token the node
 * generates into {@code data.dir} when nothing is configured), and the users of {@code admin.users}, with HTTP
 * Basic and their password or with a bearer JWT that names them. Every request is judged; nothing is cached.
 */
public final class AdminCredentials {

    private static final Logger LOG = LoggerFactory.getLogger(AdminCredentials.class);

    /** The outcome for one request's Authorization header. */
    public sealed interface Verdict {
        /** An administrator: the request runs. {@code who} names it in logs ("token", "user alice"). */
        record Admin(String who) implements Verdict {}

        /** Authenticated, but not an administrator: 403. */
        record Forbidden(String who) implements Verdict {}

        /** No or wrong credentials: 401 with a challenge. */
        record Unauthenticated(String why) implements Verdict {}
    }

    /** SHA-256 of each token: a lookup compares digests, so its timing tells nothing about a token. */
    private final Set<String> tokenDigests;

    private final Set<String> adminUsers;
    private final AuthService auth;

    AdminCredentials(Set<String> tokens, Set<String> adminUsers, AuthService auth) {
        Set<String> digests = new HashSet<>();
        tokens.forEach(t -> digests.add(digest(t)));
        this.tokenDigests = Set.copyOf(digests);
        this.adminUsers = Set.copyOf(adminUsers);
        this.auth = auth;
    }

    /** From {@code admin.http.token.file} and {@code admin.users}; generates a token when neither is set. */
    public static AdminCredentials fromConfig(BrokerConfig config, AuthService auth) {
        String file = config.getString(TOKEN_FILE_CONFIG);
        List<String> users = config.getList(USERS_CONFIG);
        Set<String> tokens = new HashSet<>();
        if (!file.isBlank()) {
            tokens.addAll(readTokens(Path.of(file)));
        } else if (users.isEmpty()) {
            Path generated = Path.of(config.getString(BrokerConfig.DATA_DIR_CONFIG), GENERATED_TOKEN_FILE);
            tokens.add(generatedToken(generated));
            LOG.info(
                    "Admin HTTP API: bearer token in {} ({} or {} to choose the credentials)",
                    generated,
                    TOKEN_FILE_CONFIG,
                    USERS_CONFIG);
        }
        return new AdminCredentials(tokens, Set.copyOf(users), auth);
    }

    /** The tokens of a token file: one per line, blank lines and # comments ignored. */
    static List<String> readTokens(Path file) {
        try {
            List<String> tokens = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
            if (tokens.isEmpty()) {
                throw new ConfigException(TOKEN_FILE_CONFIG, file.toString(), "holds no token");
            }
            return tokens;
        } catch (IOException e) {
            throw new ConfigException(TOKEN_FILE_CONFIG, file.toString(), "cannot be read: " + e);
        }
    }

    /** The token of {@code file}, written first (32 random bytes, owner-only permissions) when it does not exist. */
    private static String generatedToken(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                try {
                    Files.createFile(
                            file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(file); // not a POSIX file system
                } catch (FileAlreadyExistsException e) {
                    return readTokens(file).get(0); // another node in this directory was quicker
                }
                Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
                return token;
            }
            return readTokens(file).get(0);
        } catch (IOException e) {
            throw new ConfigException("cannot write the admin HTTP API's token to " + file + " (set "
                    + TOKEN_FILE_CONFIG + " or " + USERS_CONFIG + "): " + e);
        }
    }

    /** Judges the {@code Authorization} header of a request (null: none). May take a password check's time. */
    public Verdict judge(@Nullable String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return new Verdict.Unauthenticated("no credentials");
        }
        int space = authorization.indexOf(' ');
        String scheme = space < 0 ? authorization : authorization.substring(0, space);
        String value = space < 0 ? "" : authorization.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return bearer(value);
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            return basic(value);
        }
        return new Verdict.Unauthenticated("unknown authorization scheme " + scheme);
    }

    private Verdict bearer(String token) {
        if (tokenDigests.contains(digest(token))) {
            return new Verdict.Admin("token");
        }
        if (auth.takesAsToken(token.getBytes(StandardCharsets.US_ASCII))) {
            try {
                String principal =
                        auth.verifyToken(token).get(10, TimeUnit.SECONDS).principal();
                return adminOrNot("JWT of " + principal, principal);
            } catch (ExecutionException | CompletionException e) {
                Throwable cause = e.getCause();
                return new Verdict.Unauthenticated(
                        cause instanceof JwtVerifier.Refused r ? "JWT refused: " + r.getMessage() : "JWT not checked");
            } catch (TimeoutException e) {
                return new Verdict.Unauthenticated("JWT not checked in time");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Verdict.Unauthenticated("interrupted");
            }
        }
        return new Verdict.Unauthenticated("unknown bearer token");
    }

    private Verdict basic(String encoded) {
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Verdict.Unauthenticated("malformed Basic credentials");
        }
        int colon = pair.indexOf(':');
        if (colon <= 0) {
            return new Verdict.Unauthenticated("malformed Basic credentials");
        }
        String user = pair.substring(0, colon);
        byte[] password = pair.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        try {
            boolean ok = auth.verifyPassword(user, password).get(30, TimeUnit.SECONDS);
            return ok ? adminOrNot("user " + user, user) : new Verdict.Unauthenticated("wrong password for " + user);
        } catch (ExecutionException | TimeoutException e) {
            return new Verdict.Unauthenticated("password not checked: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Verdict.Unauthenticated("interrupted");
        }
    }

    private Verdict adminOrNot(String who, String principal) {
        return adminUsers.contains(principal) ? new Verdict.Admin(who) : new Verdict.Forbidden(who);
    }

    private static String digest(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
