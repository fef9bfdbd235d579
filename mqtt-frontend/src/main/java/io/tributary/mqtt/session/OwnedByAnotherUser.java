/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import org.jspecify.annotations.Nullable;

/** The client id belongs to a session of another user: the CONNECT is refused (MQTT 5 0x87, 3.1.1 5). */
public final class OwnedByAnotherUser extends RuntimeException {
    public OwnedByAnotherUser(String clientId, String owner, @Nullable String principal) {
        super(
                "client id " + clientId + " belongs to a session of user " + owner + ", not of "
                        + (principal == null ? "an anonymous client" : "user " + principal),
                null,
                false,
                false);
    }
}
