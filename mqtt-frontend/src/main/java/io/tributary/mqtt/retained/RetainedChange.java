/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.retained;

import io.tributary.mqtt.message.Message;
import org.jspecify.annotations.Nullable;

/**
 * One change of the retained topic, as the tail reads it: the message now retained for an MQTT topic, or null
 * when it was cleared. {@code offset} orders the changes of one MQTT topic (one key, one partition).
 */
public record RetainedChange(
        String topic, long offset, @Nullable Message message) {}
