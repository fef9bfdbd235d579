/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import io.netty.util.concurrent.EventExecutor;

/** How an {@link Outbox} reaches its client: implemented by the session's channel handler. */
public interface OutboundWriter {

    EventExecutor executor();

    boolean isActive();

    boolean isWritable();

    /** False when the client's Maximum Packet Size forbids this message: it is dropped for this client. */
    boolean fits(Delivery delivery);

    void writePublish(Delivery delivery, int packetId);

    void writePubrel(int packetId);

    void flush();
}
