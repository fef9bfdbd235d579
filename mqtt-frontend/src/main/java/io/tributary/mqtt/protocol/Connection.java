/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.channel.ChannelHandlerContext;

/** What the packet flows of a session may do to their connection besides writing packets. */
public interface Connection {

    ChannelHandlerContext context();

    /** What CONNECT and CONNACK settled for this connection (topic aliases, keep alive, problem information). */
    ConnectPolicy.Negotiated negotiated();

    /** The client's Maximum Packet Size (MQTT 5 CONNECT), 0 when it set none. */
    default int clientMaximumPacketSize() {
        return 0;
    }

    /**
     * Ends the connection because the client broke the protocol: MQTT 5 clients get a DISCONNECT with the
     * reason code, MQTT 3.1.1 clients are simply disconnected. The will is published.
     */
    void protocolViolation(byte reasonCode, String why);
}
