/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as an MQTT 5 enhanced authentication method:
 * CONNECT carries client-first, AUTH 0x18 server-first, AUTH 0x18 client-final, CONNACK server-final.
 * <p>
 * Only HMACs and one SHA-256 are computed here, because the {@link UserStore} holds StoredKey and ServerKey
 * precomputed: cheap enough for the event loop. No channel binding (the gs2 header must be {@code n,,}).
 * An unknown user gets a server-first built from a made-up credential and fails at the proof, so the
 * exchange does not tell whether a user name exists (RFC 5802 section 5.1).
 */
public final class ScramSha256Authenticator implements Authenticator {

    private static final byte NOT_AUTHORIZED = (byte) 0x87;
    private static final String GS2_HEADER = "n,,";
    private static final String CHANNEL_BINDING =
            Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.US_ASCII)); // "biws"

    private final UserStore users;
    private final Supplier<String> nonces;
    private final byte[] unknownUserKey;

    public ScramSha256Authenticator(UserStore users) {
        this(users, randomNonces(new SecureRandom()));
    }

    /** With a supplier of server nonces (tests use the nonce of RFC 7677's example). */
    public ScramSha256Authenticator(UserStore users, Supplier<String> serverNonces) {
        this.users = users;
        this.nonces = serverNonces;
        this.unknownUserKey = new byte[32];
        new SecureRandom().nextBytes(unknownUserKey);
    }

    private static Supplier<String> randomNonces(SecureRandom random) {
        return () -> {
            byte[] b = new byte[24];
            random.nextBytes(b);
            return Base64.getEncoder().withoutPadding().encodeToString(b); // printable, no ','
        };
    }

    @Override
    public String method() {
        return Scram.MECHANISM;
    }

    @Override
    public AuthStep start(String clientId, byte[] authData) {
        String clientFirst = new String(authData, StandardCharsets.UTF_8);
        if (!clientFirst.startsWith(GS2_HEADER)) {
            return fail("client-first without gs2 header n,, (no channel binding, no authzid)");
        }
        String bare = clientFirst.substring(GS2_HEADER.length());
        String[] attrs = bare.split(",", -1);
        if (attrs.length < 2 || !attrs[0].startsWith("n=") || !attrs[1].startsWith("r=")) {
            return fail("malformed client-first-message");
        }
        for (int i = 2; i < attrs.length; i++) {
            if (attrs[i].startsWith("m=")) {
                return fail("mandatory SCRAM extension not supported");
            }
        }
        String username = saslName(attrs[0].substring(2));
        String clientNonce = attrs[1].substring(2);
        if (username == null || username.isEmpty() || clientNonce.isEmpty()) {
            return fail("malformed user name or nonce");
        }
        ScramCredential stored = users.credential(username);
        boolean known = stored != null;
        ScramCredential credential = known ? stored : madeUp(username);
        String nonce = clientNonce + nonces.get();
        String serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credential.salt()) + ",i="
                + credential.iterations();
        return new AuthStep.Continue(
                serverFirst.getBytes(StandardCharsets.UTF_8),
                data -> clientFinal(data, username, known, credential, nonce, bare + "," + serverFirst));
    }

    private AuthStep clientFinal(
            byte[] data,
            String username,
            boolean known,
            ScramCredential credential,
            String nonce,
            String firstMessages) {
        String clientFinal = new String(data, StandardCharsets.UTF_8);
        int proofAt = clientFinal.lastIndexOf(",p=");
        if (proofAt < 0) {
            return fail("client-final-message without proof");
        }
        String withoutProof = clientFinal.substring(0, proofAt);
        String[] attrs = withoutProof.split(",", -1);
        if (attrs.length < 2 || !attrs[0].equals("c=" + CHANNEL_BINDING)) {
            return fail("channel binding must be c=" + CHANNEL_BINDING);
        }
        if (!attrs[1].equals("r=" + nonce)) {
            return fail("nonce does not continue the exchange's nonce");
        }
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
        } catch (IllegalArgumentException e) {
            return fail("proof is not base64");
        }
        if (proof.length != Scram.KEY_LENGTH) {
            return fail("proof of wrong length");
        }
        String authMessage = firstMessages + "," + withoutProof;
        byte[] storedKey = credential.storedKey();
        byte[] clientKey = Scram.xor(proof, Scram.hmac(storedKey, authMessage));
        if (!Scram.same(Scram.sha256(clientKey), storedKey) || !known) {
            return fail("invalid proof");
        }
        byte[] serverSignature = Scram.hmac(credential.serverKey(), authMessage);
        String serverFinal = "v=" + Base64.getEncoder().encodeToString(serverSignature);
        return new AuthStep.Success(serverFinal.getBytes(StandardCharsets.UTF_8), username);
    }

    /** A stable fake credential for a user that does not exist (same salt on every attempt). */
    private ScramCredential madeUp(String username) {
        byte[] seed = Scram.hmac(unknownUserKey, username);
        byte[] salt = java.util.Arrays.copyOf(seed, 16);
        return new ScramCredential(salt, Scram.MIN_ITERATIONS, Scram.sha256(seed), Scram.hmac(seed, "Server Key"));
    }

    /** Decodes a saslname (RFC 5802 section 5.1: ',' is "=2C", '=' is "=3D"); null if malformed. */
    static @Nullable String saslName(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '=') {
                out.append(c);
            } else if (value.startsWith("=2C", i)) {
                out.append(',');
                i += 2;
            } else if (value.startsWith("=3D", i)) {
                out.append('=');
                i += 2;
            } else {
                return null;
            }
        }
        return out.toString();
    }

    private static AuthStep fail(String why) {
        return new AuthStep.Failure(NOT_AUTHORIZED, why);
    }
}
