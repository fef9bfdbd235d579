/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.metrics;

/** Why a CONNECT or a re-authentication was refused: the {@code reason} label. */
public enum AuthFailure {
    /** MQTT 5 0x86: wrong user name or password, or one without the other. */
    BAD_CREDENTIALS,
    /** MQTT 5 0x87: anonymous under auth.mode=required, or a client id the user may not take. */
    NOT_AUTHORIZED,
    /** MQTT 5 0x8C: an authentication method the node does not offer. */
    BAD_METHOD,
    /** MQTT 5 AUTH re-authentication that failed on an established connection. */
    REAUTHENTICATION,
    /** Any other refusal code. */
    OTHER
}
