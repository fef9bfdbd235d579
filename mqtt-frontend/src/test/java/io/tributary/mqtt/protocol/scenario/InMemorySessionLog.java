/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import io.tributary.mqtt.session.SessionLog;
import io.tributary.mqtt.session.SessionState;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** The compacted sessions topic in memory: the latest record per client id, acknowledged at once. */
final class InMemorySessionLog implements SessionLog {

    private final Map<String, SessionState> latest = new HashMap<>();

    @Override
    public CompletableFuture<Void> write(String clientId, @Nullable SessionState state) {
        if (state == null) {
            latest.remove(clientId);
        } else {
            latest.put(clientId, state);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Nullable
    SessionState latest(String clientId) {
        return latest.get(clientId);
    }
}
