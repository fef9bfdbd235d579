/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import org.jspecify.annotations.Nullable;

/** The answer of an {@link Authenticator} to one message of the client. */
public sealed interface AuthStep {

    /** Send {@code serverData} to the client (AUTH 0x18) and feed its answer to {@code next}. */
    record Continue(byte[] serverData, Authenticator.Continuation next) implements AuthStep {}

    /**
     * Authenticated as {@code principal}; {@code serverFinalData} (may be null) goes into CONNACK / AUTH 0x00.
     * {@code token}: the verified token when the credential was one, whose expiry ends the connection.
     */
    record Success(byte @Nullable [] serverFinalData, String principal, JwtVerifier.@Nullable Identity token)
            implements AuthStep {
        public Success(byte @Nullable [] serverFinalData, String principal) {
            this(serverFinalData, principal, null);
        }
    }

    /** Refused with an MQTT 5 reason code, e.g. 0x87 Not authorized. */
    record Failure(byte reasonCode, String why) implements AuthStep {}
}
