/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.message;

/** A will message and its MQTT 5 delay. */
public record Will(Message message, long delaySeconds) {}
