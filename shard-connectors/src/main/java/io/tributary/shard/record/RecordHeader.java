/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.record;

import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

/**
 * A Kafka record header as raw bytes. The tiering core sees headers this way whether they came from a
 * consumer or through Connect's ByteArrayConverter; as a Kafka {@link Header} the record contract reads it.
 */
public record RecordHeader(String key, byte @Nullable [] value) implements Header {
    public RecordHeader {
        Objects.requireNonNull(key, "key");
    }
}
