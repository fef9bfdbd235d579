/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The key of a placement record, {@code kind/name} (e.g. {@code mapping/sensors}). A name may contain
 * further slashes; only the first one separates the kind.
 */
public record PlacementKey(Kind kind, String name) {

    public PlacementKey {
        Objects.requireNonNull(kind, "kind");
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a " + kind.segment() + " needs a non-empty name");
        }
    }

    public static PlacementKey of(Entity entity) {
        return new PlacementKey(entity.kind(), entity.name());
    }

    /** Parses {@code kind/name}; null when the key is not a placement key (unknown kind, no name). */
    public static @Nullable PlacementKey parse(byte @Nullable [] key) {
        if (key == null) {
            return null;
        }
        String s = new String(key, StandardCharsets.UTF_8);
        int slash = s.indexOf('/');
        if (slash <= 0 || slash == s.length() - 1) {
            return null;
        }
        Kind kind = Kind.ofSegment(s.substring(0, slash));
        return kind == null ? null : new PlacementKey(kind, s.substring(slash + 1));
    }

    public byte[] bytes() {
        return toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return kind.segment() + "/" + name;
    }
}
