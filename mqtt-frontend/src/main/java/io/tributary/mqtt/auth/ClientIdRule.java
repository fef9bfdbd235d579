/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * {@code auth.client-id.must-match}: how an authenticated client's id must relate to its user name. Binding ids
 * to users keeps one user from even trying the ids of another's devices; sessions are protected without it
 * (a session belongs to the user who made it, see docs/security.md).
 */
public enum ClientIdRule {
    /** Any client id. */
    NONE,
    /** The client id starts with the user name ({@code alice} may use {@code alice-sensor-1}). */
    PREFIX,
    /** The client id is the user name. */
    EQUAL;

    /** The rule an {@code auth.client-id.must-match} value names, in any case. */
    public static ClientIdRule of(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    /** Why {@code clientId} may not be used by {@code user}, or null when it may; anonymous clients are not bound. */
    public @Nullable String refusal(String clientId, @Nullable String user) {
        if (user == null) {
            return null;
        }
        return switch (this) {
            case NONE -> null;
            case PREFIX ->
                clientId.startsWith(user)
                        ? null
                        : "client id '" + clientId + "' does not start with user name '" + user
                                + "' (auth.client-id.must-match=prefix)";
            case EQUAL ->
                clientId.equals(user)
                        ? null
                        : "client id '" + clientId + "' is not user name '" + user
                                + "' (auth.client-id.must-match=equal)";
        };
    }
}
