/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

import java.util.Set;

/**
 * What a batch of placement records changed: the image before, the image after, and the keys whose entity
 * differs between them. The first change a listener sees after the initial load has the empty image as
 * {@code previous}.
 */
public record PlacementChange(PlacementImage previous, PlacementImage image, Set<PlacementKey> changed) {

    public boolean touches(Kind kind) {
        for (PlacementKey k : changed) {
            if (k.kind() == kind) {
                return true;
            }
        }
        return false;
    }
}
