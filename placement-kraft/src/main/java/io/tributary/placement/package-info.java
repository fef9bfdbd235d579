/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
/**
 * Cluster metadata on a compacted Kafka topic, the KRaft way: the topic is the log, each node replays it
 * into an immutable {@link io.tributary.placement.PlacementImage} through
 * {@link io.tributary.placement.PlacementDelta}s, and components react to
 * {@link io.tributary.placement.PlacementChange}s.
 */
package io.tributary.placement;
