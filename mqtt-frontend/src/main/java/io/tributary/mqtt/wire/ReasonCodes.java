/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.wire;

/** MQTT 5 reason codes the broker sends (section 2.4 of the specification), and MQTT 3.1.1 return codes. */
public final class ReasonCodes {

    private ReasonCodes() {}

    public static final byte SUCCESS = 0x00;
    public static final byte NO_MATCHING_SUBSCRIBERS = 0x10;
    public static final byte NO_SUBSCRIPTION_EXISTED = 0x11;
    public static final byte UNSPECIFIED_ERROR = (byte) 0x80;
    public static final byte MALFORMED_PACKET = (byte) 0x81;
    public static final byte PROTOCOL_ERROR = (byte) 0x82;
    public static final byte UNSUPPORTED_PROTOCOL_VERSION = (byte) 0x84;
    public static final byte CLIENT_IDENTIFIER_NOT_VALID = (byte) 0x85;
    public static final byte SERVER_SHUTTING_DOWN = (byte) 0x8B;
    public static final byte BAD_AUTHENTICATION_METHOD = (byte) 0x8C;
    public static final byte KEEP_ALIVE_TIMEOUT = (byte) 0x8D;
    public static final byte SESSION_TAKEN_OVER = (byte) 0x8E;
    public static final byte TOPIC_FILTER_INVALID = (byte) 0x8F;
    public static final byte TOPIC_NAME_INVALID = (byte) 0x90;
    public static final byte PACKET_IDENTIFIER_NOT_FOUND = (byte) 0x92;
    public static final byte RECEIVE_MAXIMUM_EXCEEDED = (byte) 0x93;
    public static final byte TOPIC_ALIAS_INVALID = (byte) 0x94;
    public static final byte PACKET_TOO_LARGE = (byte) 0x95;
    public static final byte SHARED_SUBSCRIPTIONS_NOT_SUPPORTED = (byte) 0x9E;
    public static final byte ADMINISTRATIVE_ACTION = (byte) 0x98;
    public static final byte NOT_AUTHORIZED = (byte) 0x87;
    public static final byte QUOTA_EXCEEDED = (byte) 0x97;
    public static final byte PAYLOAD_FORMAT_INVALID = (byte) 0x99;
    public static final byte CONNECTION_RATE_EXCEEDED = (byte) 0x9F;

    /** MQTT 3.1.1 CONNACK return codes. */
    public static final byte V3_UNACCEPTABLE_PROTOCOL_VERSION = 0x01;

    public static final byte V3_IDENTIFIER_REJECTED = 0x02;
    public static final byte V3_SERVER_UNAVAILABLE = 0x03;
    /** MQTT 3.1.1 SUBACK failure. */
    public static final byte V3_SUBSCRIBE_FAILURE = (byte) 0x80;
}
