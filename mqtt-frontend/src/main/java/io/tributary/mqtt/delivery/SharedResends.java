/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import io.tributary.mqtt.delivery.DeliveryState.SharedInFlight;
import io.tributary.mqtt.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QoS 2 messages of shared subscriptions a resumed session still owes its client: the member took them in an
 * earlier connection, their share-group records are accepted (no other member gets them [MQTT-4.8.2-5]), so they
 * are completed to this member [MQTT-4.8.2-4] under their original packet ids [MQTT-4.4.0-1]: PUBREL again for
 * those past PUBREC, the PUBLISH again (DUP) for the others, once the catch-up reader has read their records back
 * from Kafka by offset. Part of one {@link Outbox}.
 */
final class SharedResends {

    private static final Logger LOG = LoggerFactory.getLogger(SharedResends.class);

    /** Stored with the session, until the connection is attached. */
    private volatile List<SharedInFlight> resumed = List.of();
    /** Taken again at attach and not yet read back: the catch-up reader reads them, any thread. */
    private final ConcurrentLinkedQueue<SharedInFlight> toRead = new ConcurrentLinkedQueue<>();

    void resume(List<SharedInFlight> stored) {
        // A record stored before its share group's ACCEPT carries a marker; its marker was written with that record.
        // Written again by this session, it would outlive its removal after the ACCEPT.
        resumed = stored.stream().map(SharedInFlight::withoutMarker).toList();
    }

    /** Before attach: what a record of the session must still list. */
    List<SharedInFlight> resumed() {
        return resumed;
    }

    /**
     * Takes the resumed messages' packet ids again in the window; writes PUBREL for those past PUBREC and leaves
     * the others to be read back; true when it wrote. Event loop, at attach.
     */
    boolean attach(InflightWindow window, OutboundWriter writer) {
        toRead.clear();
        List<SharedInFlight> owed = resumed;
        resumed = List.of();
        boolean wrote = false;
        for (SharedInFlight s : owed) {
            window.resumeShared(s);
            if (s.released()) {
                writer.writePubrel(s.packetId());
                wrote = true;
            } else {
                toRead.add(s);
            }
        }
        return wrote;
    }

    boolean pending() {
        return !toRead.isEmpty();
    }

    List<SharedInFlight> toRead() {
        return new ArrayList<>(toRead);
    }

    /** Its record was read back: it is no longer to be read. False when it was not (read twice). Any thread. */
    boolean taken(SharedInFlight owed) {
        return toRead.remove(owed);
    }

    /**
     * A message read back (null: its record is gone, past retention) is re-sent with DUP under its packet id, if it
     * is still owed. Event loop.
     */
    void resend(InflightWindow window, OutboundWriter writer, SharedInFlight owed, @Nullable Message message) {
        Delivery standIn = Delivery.resumedShared(owed);
        Delivery d = message == null
                ? null
                : new Delivery(
                        message,
                        2,
                        standIn.retain(),
                        standIn.subscriptionIds(),
                        null,
                        -1,
                        true, // it may have reached the client before [MQTT-3.3.1-1]
                        standIn.lease());
        if (d == null || !writer.fits(d)) {
            if (window.resend(owed.packetId(), standIn)) {
                window.complete(owed.packetId()); // cannot be completed: the packet id is free again
                LOG.warn(
                        "Shared QoS 2 message {}@{} owed to a resumed member is {}: not sent again",
                        owed.partition(),
                        owed.offset(),
                        d == null ? "no longer in Kafka" : "over the client's Maximum Packet Size");
            }
            return;
        }
        if (window.resend(owed.packetId(), d)) {
            writer.writePublish(d, owed.packetId());
            writer.flush();
        }
    }
}
