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
    @Nullable ScramCredential credential(String username);
}
