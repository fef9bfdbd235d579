/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An immutable view of all cluster metadata at one offset of the placement topic. Never changed in place:
 * a {@link PlacementDelta} builds the next image, sharing the maps of the kinds it did not touch. Readers
 * on any thread hold an image for as long as they like; it stays consistent.
 */
public final class PlacementImage {

    public static final PlacementImage EMPTY = new PlacementImage(new EnumMap<>(Kind.class), -1);

    private final Map<Kind, Map<String, Entity>> byKind;
    private final long offset;

    PlacementImage(Map<Kind, Map<String, Entity>> byKind, long offset) {
        this.byKind = byKind;
        this.offset = offset;
    }

    /** The offset of the last record applied, -1 for the empty image. */
    public long offset() {
        return offset;
    }

    /** The entities of a kind, sorted by name. */
    public Map<String, Entity> all(Kind kind) {
        Map<String, Entity> m = byKind.get(kind);
        return m == null ? Map.of() : m;
    }

    public @Nullable Entity get(PlacementKey key) {
        return all(key.kind()).get(key.name());
    }

    @SuppressWarnings("unchecked")
    private <T extends Entity> Map<String, T> typed(Kind kind) {
        return (Map<String, T>) (Map<String, ?>) all(kind);
    }

    public Map<String, Entity.Node> nodes() {
        return typed(Kind.NODE);
    }

    public Map<String, Entity.Config> configs() {
        return typed(Kind.CONFIG);
    }

    public Map<String, Entity.Mapping> mappings() {
        return typed(Kind.MAPPING);
    }

    public Map<String, Entity.User> users() {
        return typed(Kind.USER);
    }

    public Map<String, Entity.Acl> acls() {
        return typed(Kind.ACL);
    }

    public Map<String, Entity.Schema> schemas() {
        return typed(Kind.SCHEMA);
    }

    /** The map of one kind as the next image will hold it: a copy, or the shared empty map. */
    Map<String, Entity> mutableCopy(Kind kind) {
        return new TreeMap<>(all(kind));
    }

    static Map<String, Entity> freeze(Map<String, Entity> m) {
        return m.isEmpty() ? Map.of() : Collections.unmodifiableMap(m);
    }

    Map<Kind, Map<String, Entity>> byKind() {
        return byKind;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("PlacementImage(offset=").append(offset);
        for (Kind k : Kind.values()) {
            sb.append(", ").append(k.segment()).append('=').append(all(k).size());
        }
        return sb.append(')').toString();
    }
}
