/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import io.tributary.mqtt.config.JwtSettings;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * MQTT 5 enhanced authentication with a JWT (Authentication Method {@code JWT}): the CONNECT's (or a
 * re-authentication's AUTH 0x19) Authentication Data is the token, in one step, answered by CONNACK (or AUTH 0x00).
 * Verification runs on {@code executor}, off the event loop: a JWKS URL may have to be fetched.
 */
public final class JwtAuthenticator implements Authenticator {

    private static final byte NOT_AUTHORIZED = (byte) 0x87;
    private static final byte SERVER_UNAVAILABLE = (byte) 0x88;

    private final JwtVerifier verifier;
    private final Executor executor;

    public JwtAuthenticator(JwtVerifier verifier, Executor executor) {
        this.verifier = verifier;
        this.executor = executor;
    }

    @Override
    public String method() {
        return JwtSettings.METHOD;
    }

    @Override
    public AuthStep start(String clientId, byte[] authData) {
        String token = new String(authData, StandardCharsets.US_ASCII).strip();
        try {
            JwtVerifier.Identity id = verifier.verify(token);
            return new AuthStep.Success(null, id.principal(), id);
        } catch (JwtVerifier.Refused e) {
            return new AuthStep.Failure(
                    e.keysUnavailable() ? SERVER_UNAVAILABLE : NOT_AUTHORIZED, "JWT refused: " + e.getMessage());
        }
    }

    @Override
    public CompletableFuture<AuthStep> startAsync(String clientId, byte[] authData) {
        try {
            return CompletableFuture.supplyAsync(() -> start(clientId, authData), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
