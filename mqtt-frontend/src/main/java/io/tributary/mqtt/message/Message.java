/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.message;

import org.jspecify.annotations.Nullable;

/**
 * An application message, copied out of Netty's buffers at the edge so nothing downstream deals in
 * reference counts.
 *
 * @param publisher client id of the publisher; null for records written by plain Kafka producers
 */
public record Message(
        String topic,
        byte[] payload,
        int qos,
        boolean retain,
        @Nullable String publisher,
        MessageProperties properties) {

    public Message withRetain(boolean newRetain) {
        return newRetain == retain ? this : new Message(topic, payload, qos, newRetain, publisher, properties);
    }
}
