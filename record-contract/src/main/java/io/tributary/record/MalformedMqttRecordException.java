/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.record;

/** A Kafka record that does not follow the record contract (a {@code mqtt.qos} of "7", no topic at all). */
public final class MalformedMqttRecordException extends RuntimeException {
    public MalformedMqttRecordException(String message) {
        super(message);
    }

    public MalformedMqttRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
