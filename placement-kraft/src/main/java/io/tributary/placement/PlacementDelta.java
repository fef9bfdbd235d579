/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The changes read from the placement topic since an image: records are replayed into it one by one and
 * {@link #apply()} makes the next image. Only the kinds a delta touched are copied. Not thread-safe: one
 * delta belongs to the thread that reads the topic.
 */
public final class PlacementDelta {

    private final PlacementImage base;
    private final Map<Kind, Map<String, Entity>> touched = new EnumMap<>(Kind.class);
    private final Set<PlacementKey> changed = new LinkedHashSet<>();
    private long offset;

    public PlacementDelta(PlacementImage base) {
        this.base = base;
        this.offset = base.offset();
    }

    /**
     * Applies one record: the full new state of {@code key}, or its deletion when {@code entity} is null (a
     * tombstone). A record that leaves the entity as it was is not a change.
     */
    public void replay(PlacementKey key, @Nullable Entity entity, long recordOffset) {
        offset = Math.max(offset, recordOffset);
        Map<String, Entity> m = touched.computeIfAbsent(key.kind(), base::mutableCopy);
        Entity previous = entity == null ? m.remove(key.name()) : m.put(key.name(), entity);
        if (!java.util.Objects.equals(previous, entity)) {
            changed.add(key);
        }
    }

    /** Advances the offset for a record that changed nothing (an unreadable one, say). */
    public void skip(long recordOffset) {
        offset = Math.max(offset, recordOffset);
    }

    public Set<PlacementKey> changed() {
        return Set.copyOf(changed);
    }

    public boolean isEmpty() {
        return changed.isEmpty();
    }

    public PlacementImage apply() {
        Map<Kind, Map<String, Entity>> next = new EnumMap<>(Kind.class);
        next.putAll(base.byKind());
        touched.forEach((kind, m) -> next.put(kind, PlacementImage.freeze(m)));
        return new PlacementImage(next, offset);
    }
}
