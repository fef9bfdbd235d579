/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.placement;

import io.tributary.mqtt.auth.Scram;
import io.tributary.mqtt.auth.ScramCredential;
import io.tributary.mqtt.auth.UserStore;
import io.tributary.placement.Entity;
import io.tributary.placement.Kind;
import io.tributary.placement.PlacementChange;
import io.tributary.placement.PlacementImage;
import io.tributary.placement.PlacementListener;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users of the cluster metadata as a {@link UserStore}: rebuilt as an immutable map on every change of
 * the {@code user} entities, read without locks by the authentication code. A user written with
 * {@code bin/tributary admin user put} can log in on every node about a second later; a deleted one cannot.
 */
public final class PlacementUsers implements UserStore, PlacementListener {

    private static final Logger LOG = LoggerFactory.getLogger(PlacementUsers.class);

    private volatile Map<String, ScramCredential> users = Map.of();

    @Override
    public void onChange(PlacementChange change) {
        if (change.touches(Kind.USER)) {
            apply(change.image());
        }
    }

    public void apply(PlacementImage image) {
        Map<String, ScramCredential> next = new HashMap<>();
        Base64.Decoder b64 = Base64.getDecoder();
        for (Entity.User u : image.users().values()) {
            try {
                if (!Scram.MECHANISM.equals(u.mechanism())) {
                    throw new IllegalArgumentException("mechanism " + u.mechanism());
                }
                next.put(
                        u.name(),
                        new ScramCredential(
                                b64.decode(u.salt()),
                                u.iterations(),
                                b64.decode(u.storedKey()),
                                b64.decode(u.serverKey())));
            } catch (RuntimeException e) {
                LOG.warn(
                        "Ignoring user '{}' (version {}) of the cluster metadata: {}",
                        u.name(),
                        u.version(),
                        e.getMessage());
            }
        }
        users = Map.copyOf(next);
    }

    @Override
    public @Nullable ScramCredential credential(String username) {
        return users.get(username);
    }

    @Override
    public boolean hasUsers() {
        return !users.isEmpty();
    }
}
