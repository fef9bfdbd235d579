/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import org.jspecify.annotations.Nullable;

/**
 * Where the broker looks up a user's SCRAM credential. Called for every authentication, on event loops
 * and on the hashing threads: implementations must be thread-safe and must not block. A store may change
 * between two calls (a store fed by the cluster metadata topic swaps in a new immutable image on every
 * delta), so callers never cache what it returns beyond one authentication.
 */
@FunctionalInterface
public interface UserStore {

    /** The credential of {@code username}, or null if there is no such user. */
    @Nullable
    ScramCredential credential(String username);

    /** Whether the store knows any user now; a node without users ignores credentials when auth is optional. */
    default boolean hasUsers() {
        return true;
    }

    /** No users at all. */
    UserStore NONE = new UserStore() {
        @Override
        public @Nullable ScramCredential credential(String username) {
            return null;
        }

        @Override
        public boolean hasUsers() {
            return false;
        }
    };

    /** The users of {@code first}, then those of {@code second} for names {@code first} does not know. */
    static UserStore both(UserStore first, UserStore second) {
        return new UserStore() {
            @Override
            public @Nullable ScramCredential credential(String username) {
                ScramCredential c = first.credential(username);
                return c != null ? c : second.credential(username);
            }

            @Override
            public boolean hasUsers() {
                return first.hasUsers() || second.hasUsers();
            }
        };
    }
}
