/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The write side of the metadata used by the admin CLI and HTTP API: validates an entity, gives it the next
 * version, writes it and waits until the local image has applied it, so a caller reads its own write.
 *
 * <p>Two admins writing the same key at the same moment: the later record wins (last writer wins, as for
 * any compacted topic); both see a consistent image afterwards. Versions make such a race visible.
 */
public final class PlacementAdmin {

    /** Checks an entity before it is written; throws {@link IllegalArgumentException} with the reason. */
    @FunctionalInterface
    public interface Validator {
        void validate(Entity entity);
    }

    private final PlacementStore store;
    private final PlacementWriter writer;
    private final Validator validator;
    private final Duration timeout;

    public PlacementAdmin(PlacementStore store, PlacementWriter writer, Validator validator, Duration timeout) {
        this.store = store;
        this.writer = writer;
        this.validator = validator;
        this.timeout = timeout;
    }

    public PlacementImage image() {
        return store.image();
    }

    /** Writes an entity as the next version of its key and returns it as stored. */
    public Entity put(Entity entity) {
        validator.validate(entity);
        Entity current = store.image().get(PlacementKey.of(entity));
        Entity next = entity.withVersion(current == null ? 1 : current.version() + 1);
        await(writer.put(next).thenCompose(store::awaitOffset));
        return next;
    }

    /** Deletes an entity; returns what was deleted, or null when there was nothing to delete. */
    public @Nullable Entity delete(PlacementKey key) {
        Entity current = store.image().get(key);
        if (current == null) {
            return null;
        }
        await(writer.delete(key).thenCompose(store::awaitOffset));
        return current;
    }

    private <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "metadata write failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("metadata write not confirmed within " + DurationText.of(timeout), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
