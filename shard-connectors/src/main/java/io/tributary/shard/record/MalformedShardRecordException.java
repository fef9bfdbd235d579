/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.record;

/** A Kafka record that does not follow Tributary's record contract (e.g. a QoS header of "7"). */
public final class MalformedShardRecordException extends Exception {
    public MalformedShardRecordException(String message) {
        super(message);
    }

    public MalformedShardRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
