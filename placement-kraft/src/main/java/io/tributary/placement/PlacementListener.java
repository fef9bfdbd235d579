/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

/**
 * A component that reacts to metadata changes (router, authoriser, user store). Called on the placement
 * reader's thread, in offset order; it must not block: hand slow work to another thread.
 */
@FunctionalInterface
public interface PlacementListener {

    void onChange(PlacementChange change);
}
