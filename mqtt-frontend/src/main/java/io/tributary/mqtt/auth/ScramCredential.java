/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * What the server stores of a user's password (RFC 5802 section 3): salt, iteration count, StoredKey and
 * ServerKey. The password itself cannot be recovered from it, and a stolen credential does not let anyone
 * log in with a plain password (they would need the ClientKey).
 */
public record ScramCredential(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public ScramCredential {
        if (iterations < Scram.MIN_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be at least " + Scram.MIN_ITERATIONS);
        }
        if (salt.length == 0 || storedKey.length != Scram.KEY_LENGTH || serverKey.length != Scram.KEY_LENGTH) {
            throw new IllegalArgumentException("salt empty or keys not " + Scram.KEY_LENGTH + " bytes");
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    /** Derives the credential of a password with a fresh random 16-byte salt (PBKDF2: costly). */
    public static ScramCredential fromPassword(String password, int iterations) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return fromPassword(password, salt, iterations);
    }

    public static ScramCredential fromPassword(String password, byte[] salt, int iterations) {
        byte[] salted = Scram.saltedPassword(password, salt, iterations);
        return new ScramCredential(salt, iterations, Scram.sha256(Scram.clientKey(salted)), Scram.serverKey(salted));
    }

    /**
     * Whether {@code password} is this credential's: recomputes StoredKey (PBKDF2 with {@link #iterations()}
     * rounds, so not on an event loop) and compares in constant time.
     */
    public boolean matches(String password) {
        if (password.isEmpty()) {
            return false;
        }
        byte[] salted = Scram.saltedPassword(password, salt, iterations);
        return Scram.same(storedKey, Scram.sha256(Scram.clientKey(salted)));
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramCredential c
                && iterations == c.iterations
                && Arrays.equals(salt, c.salt)
                && Arrays.equals(storedKey, c.storedKey)
                && Arrays.equals(serverKey, c.serverKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(storedKey);
    }

    @Override
    public String toString() {
        return "ScramCredential[iterations=" + iterations + "]"; // no key material in logs
    }
}
