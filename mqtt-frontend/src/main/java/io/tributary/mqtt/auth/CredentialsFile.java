/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A {@link UserStore} read from a text file ({@code auth.users.file}), one user per line:
 * <pre>
 * username:SCRAM-SHA-256:iterations:base64(salt):base64(StoredKey):base64(ServerKey)
 * </pre>
 * Blank lines and lines starting with {@code #} are ignored. The user name is everything before the last
 * five fields, so it may itself contain ':'. Only salted SCRAM credentials are stored, never a password;
 * {@code bin/tributary passwd <user>} prints such a line. The file is read once, at start.
 */
public final class CredentialsFile implements UserStore {

    private final Map<String, ScramCredential> users;

    private CredentialsFile(Map<String, ScramCredential> users) {
        this.users = Map.copyOf(users);
    }

    public static CredentialsFile load(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses the lines of a credentials file; {@code source} names it in error messages. */
    public static CredentialsFile parse(List<String> lines, String source) {
        Map<String, ScramCredential> users = new HashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + " line " + (n + 1);
            String[] f = line.split(":", -1);
            if (f.length < 6) {
                throw new IllegalArgumentException(
                        where + ": expected user:" + Scram.MECHANISM + ":iterations:salt:storedKey:serverKey");
            }
            int k = f.length - 5;
            String user = String.join(":", java.util.Arrays.copyOf(f, k));
            if (user.isEmpty()) {
                throw new IllegalArgumentException(where + ": empty user name");
            }
            if (!f[k].equals(Scram.MECHANISM)) {
                throw new IllegalArgumentException(where + ": unknown mechanism '" + f[k] + "'");
            }
            ScramCredential credential;
            try {
                Base64.Decoder b64 = Base64.getDecoder();
                credential = new ScramCredential(
                        b64.decode(f[k + 2]), Integer.parseInt(f[k + 1]), b64.decode(f[k + 3]), b64.decode(f[k + 4]));
            } catch (IllegalArgumentException e) { // also NumberFormatException
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
            if (users.put(user, credential) != null) {
                throw new IllegalArgumentException(where + ": user '" + user + "' defined twice");
            }
        }
        return new CredentialsFile(users);
    }

    /** The line of a credentials file for {@code user}. */
    public static String line(String user, ScramCredential c) {
        Base64.Encoder b64 = Base64.getEncoder();
        return user + ":" + Scram.MECHANISM + ":" + c.iterations() + ":" + b64.encodeToString(c.salt()) + ":"
                + b64.encodeToString(c.storedKey()) + ":" + b64.encodeToString(c.serverKey());
    }

    @Override
    public @Nullable ScramCredential credential(String username) {
        return users.get(username);
    }

    public int size() {
        return users.size();
    }
}
