/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import java.util.concurrent.CompletableFuture;

/**
 * An MQTT 5 enhanced authentication method (section 4.12): the server side of a challenge / response
 * exchange, driven by the broker's {@link AuthExchange}. One instance serves every connection; the state of
 * one exchange lives in the {@link Continuation} it returns.
 * <p>
 * Methods run on the connection's event loop: they must be quick and must not block. A method whose first step
 * needs costly or blocking work (fetching keys from a server) overrides {@link #startAsync} and does it elsewhere.
 * SCRAM with precomputed credentials only computes HMACs, which is cheap.
 */
public interface Authenticator {

    /** The Authentication Method name clients send, e.g. {@code SCRAM-SHA-256}. */
    String method();

    /** First step, from the CONNECT (or the AUTH 0x19 of a re-authentication) and its Authentication Data. */
    AuthStep start(String clientId, byte[] authData);

    /** As {@link #start}, for methods that must not run it on the event loop; the future may complete anywhere. */
    default CompletableFuture<AuthStep> startAsync(String clientId, byte[] authData) {
        return CompletableFuture.completedFuture(start(clientId, authData));
    }

    /** The rest of one exchange: called with the Authentication Data of the client's next AUTH 0x18. */
    @FunctionalInterface
    interface Continuation {
        AuthStep proceed(byte[] authData);
    }
}
