/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import org.jspecify.annotations.Nullable;

/**
 * One record of the sessions topic as the tail reads it: the full state of a client's session, or null when it
 * was deleted, and the node that wrote it (null when unknown).
 */
public record SessionChange(
        String clientId, @Nullable String writer, @Nullable SessionState state) {}
