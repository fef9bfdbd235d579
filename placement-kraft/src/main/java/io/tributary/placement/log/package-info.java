/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
/**
 * Compacted Kafka topics as logs a node keeps a copy of: read to the end at start, then followed
 * ({@link io.tributary.placement.log.CompactedTopicLog}). Knows nothing of what the records mean; the placement
 * store and the broker's retained and session stores give it their callbacks.
 */
package io.tributary.placement.log;
