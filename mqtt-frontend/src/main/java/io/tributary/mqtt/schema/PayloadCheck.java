/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import io.tributary.mqtt.wire.ReasonCodes;
import org.jspecify.annotations.Nullable;

/**
 * What a schema binding says about one PUBLISH: accepted (with the record value to write, when it differs from
 * the payload), or refused with an MQTT 5 reason code and a reason string for the client.
 *
 * @param recordValue the value of the Kafka record; null: the payload as published
 */
public record PayloadCheck(
        byte reasonCode,
        byte @Nullable [] recordValue,
        @Nullable String reason) {

    /** No binding, or one that lets the payload through as it is. */
    public static final PayloadCheck AS_PUBLISHED = new PayloadCheck(ReasonCodes.SUCCESS, null, null);

    static PayloadCheck encoded(byte[] recordValue) {
        return new PayloadCheck(ReasonCodes.SUCCESS, recordValue, null);
    }

    /** 0x99 Payload format invalid: the payload does not match the schema. */
    static PayloadCheck invalid(String reason) {
        return new PayloadCheck(ReasonCodes.PAYLOAD_FORMAT_INVALID, null, reason);
    }

    /** 0x80 Unspecified error: the schema cannot be had now (registry unreachable, subject missing). */
    static PayloadCheck unavailable(String reason) {
        return new PayloadCheck(ReasonCodes.UNSPECIFIED_ERROR, null, reason);
    }

    public boolean accepted() {
        return reasonCode == ReasonCodes.SUCCESS;
    }
}
