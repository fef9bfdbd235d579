/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.record;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Kafka record header as raw bytes. The tiering core sees headers this way whether they came from a
 * consumer or through Connect's ByteArrayConverter, so it needs neither API.
 */
public record RecordHeader(String key, byte @Nullable [] value) {
    public RecordHeader {
        Objects.requireNonNull(key, "key");
    }
}
