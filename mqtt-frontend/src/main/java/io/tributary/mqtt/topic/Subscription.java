/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.topic;

/**
 * One subscription of a session, with its MQTT 5 options (MQTT 3.1.1 sessions use the defaults).
 *
 * @param subscriptionId MQTT 5 subscription identifier, 0 when none
 */
public record Subscription(
        TopicFilter filter,
        int qos,
        boolean noLocal,
        boolean retainAsPublished,
        int retainHandling,
        int subscriptionId) {}
