/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.metrics;

/** What the ACL rules (or the ownership of a client id) refused: the {@code action} label. */
public enum AclAction {
    PUBLISH,
    SUBSCRIBE,
    WILL,
    CLIENT_ID,
    /** A held subscription removed because a change of the rules now refuses it. */
    SUBSCRIPTION_REVOKED
}
