/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import io.netty.util.collection.IntCollections;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.tributary.mqtt.delivery.DeliveryState.PendingRelease;
import io.tributary.mqtt.delivery.DeliveryState.SharedInFlight;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The QoS 1 and 2 messages written to one client and not yet acknowledged, by packet id, at most as many as the
 * client's Receive Maximum allows. Confined to the connection's event loop.
 */
final class InflightWindow {

    private static final int MAX_PACKET_ID = 65535;

    /**
     * The window of every session that has nothing in flight yet: shared, so it refuses writes (a write that
     * missed {@link #writable} fails at once instead of leaking into every idle session's window).
     */
    private static final IntObjectMap<InFlight> NOTHING_YET = IntCollections.emptyMap();

    // A map of its own once the first message goes out: most sessions of a large node are idle.
    private IntObjectMap<InFlight> inflight = NOTHING_YET;
    private int size;
    private int nextPacketId = 1;

    private static final class InFlight {
        @Nullable
        Delivery delivery; // null: a held packet id (see hold)

        boolean released; // PUBREC received, PUBREL sent

        /** A shared QoS 2 message whose share-group ACCEPT waits for a stored record listing it (with its marker). */
        boolean marking;

        InFlight(Delivery delivery) {
            this.delivery = delivery;
        }
    }

    /** @param size the most messages in flight the server allows, before the client states its own limit */
    InflightWindow(int size) {
        this.size = size;
    }

    /** The client's Receive Maximum narrows the window, never widens it. */
    void limitTo(int clientReceiveMaximum) {
        size = Math.min(size, clientReceiveMaximum);
    }

    boolean isFull() {
        return inflight.size() >= size;
    }

    /**
     * Puts a message in flight and returns its packet id: {@code resentPacketId}, the id an earlier connection
     * sent it with, when that is free [MQTT-4.4.0-1], else the next free one.
     */
    int send(Delivery d, @Nullable Integer resentPacketId) {
        int pid = resentPacketId != null && !inflight.containsKey(resentPacketId.intValue())
                ? resentPacketId
                : allocate();
        writable().put(pid, new InFlight(d));
        return pid;
    }

    private int allocate() {
        while (inflight.containsKey(nextPacketId)) {
            nextPacketId = nextPacketId % MAX_PACKET_ID + 1;
        }
        int pid = nextPacketId;
        nextPacketId = nextPacketId % MAX_PACKET_ID + 1;
        return pid;
    }

    /** A QoS 2 message the client received in an earlier connection: its PUBREL is sent again. */
    void resumeRelease(PendingRelease r) {
        InFlight f = new InFlight(Delivery.released(Shards.parse(r.shard()), r.offset()));
        f.released = true;
        writable().put(r.packetId(), f);
        nextPacketId = Math.max(nextPacketId, r.packetId() % MAX_PACKET_ID + 1);
    }

    /**
     * A shared subscription's QoS 2 message an earlier connection had in flight: its packet id is taken again, and
     * either its PUBREL is owed (released) or the message, once read again ({@link #resend}).
     */
    void resumeShared(SharedInFlight s) {
        InFlight f = new InFlight(Delivery.resumedShared(s));
        f.released = s.released();
        writable().put(s.packetId(), f);
        nextPacketId = Math.max(nextPacketId, s.packetId() % MAX_PACKET_ID + 1);
    }

    /**
     * The message of a resumed shared QoS 2 delivery, read again, replaces its stand-in. False when it is no longer
     * owed: the client completed or released it meanwhile (PUBREC for the id), or the connection is gone.
     */
    boolean resend(int packetId, Delivery d) {
        InFlight f = inflight.get(packetId);
        if (f == null || f.released || f.delivery == null || !f.delivery.standsIn()) {
            return false;
        }
        f.delivery = d;
        return true;
    }

    /**
     * A shared subscription's QoS 2 message just taken: until {@link #markerStored} the records of the session list it
     * with its share group, so that each of them commits its marker (see {@link SharedInFlight#shareGroup}).
     */
    void storeMarker(int packetId) {
        InFlight f = inflight.get(packetId);
        if (f != null) {
            f.marking = true;
        }
    }

    /** A record listing the message with its marker is stored: later records list it without. */
    void markerStored(int packetId, Delivery d) {
        InFlight f = inflight.get(packetId);
        if (f != null && f.delivery == d) {
            f.marking = false;
        }
    }

    /** PUBACK or PUBCOMP: takes the message out of flight. Null for an unknown (or held) packet id. */
    @Nullable
    Delivery complete(int packetId) {
        InFlight f = inflight.get(packetId);
        if (f == null || f.delivery == null) {
            return null;
        }
        inflight.remove(packetId);
        return f.delivery;
    }

    /**
     * Keeps a completed QoS 2 message's packet id out of use until the session record that no longer lists its
     * release is stored: a stored release of an id the window had given to another message would, after a crash,
     * make the client complete that other message by the PUBREL sent on resume, and then get it again.
     */
    void hold(int packetId) {
        writable().put(packetId, new InFlight(null));
    }

    private IntObjectMap<InFlight> writable() {
        if (inflight == NOTHING_YET) {
            inflight = new IntObjectHashMap<>();
        }
        return inflight;
    }

    /** The record without the held id's release is stored: the id may be used again. */
    void unhold(int packetId) {
        InFlight f = inflight.get(packetId);
        if (f != null && f.delivery == null) {
            inflight.remove(packetId);
        }
    }

    /** PUBREC: the client has the message and awaits PUBREL. False for an unknown packet id. */
    boolean release(int packetId) {
        InFlight f = inflight.get(packetId);
        if (f == null) {
            return false;
        }
        f.released = true;
        return true;
    }

    /** The QoS 2 messages past PUBREC, which a session that ends now must store to send their PUBREL again. */
    List<PendingRelease> pendingReleases() {
        List<PendingRelease> releases = new ArrayList<>();
        inflight.forEach((pid, f) -> {
            if (f.released && f.delivery != null && f.delivery.shard() != null) {
                releases.add(new PendingRelease(pid, Shards.id(f.delivery.shard()), f.delivery.offset()));
            }
        });
        return releases;
    }

    /**
     * The QoS 2 messages of shared subscriptions in flight (sent or about to be, or past PUBREC), which a session
     * that ends now must store to complete them to this member when it reconnects [MQTT-4.8.2-4].
     */
    List<SharedInFlight> sharedInFlight() {
        List<SharedInFlight> shared = new ArrayList<>();
        inflight.forEach((pid, f) -> {
            Delivery d = f.delivery;
            if (d != null && d.lease() != null && d.qos() == 2) {
                List<Integer> ids = new ArrayList<>(d.subscriptionIds().length);
                for (int id : d.subscriptionIds()) {
                    ids.add(id);
                }
                ShareLease lease = d.lease();
                shared.add(new SharedInFlight(
                        pid,
                        Shards.id(lease.partition()),
                        lease.offset(),
                        f.released,
                        d.retain(),
                        ids,
                        f.marking ? lease.group() : null));
            }
        });
        return shared;
    }

    /**
     * The connection is gone: empties the window, and shared QoS 1 messages go back to their share groups. A QoS 2
     * message is the member's from the moment it took its packet id (its lease is accepted then, or once the record
     * listing it is stored): it is never released [MQTT-4.8.2-4].
     */
    void releaseAll() {
        inflight.forEach((pid, f) -> {
            if (f.delivery != null && f.delivery.lease() != null && f.delivery.qos() != 2) {
                f.delivery.lease().release();
            }
        });
        inflight = NOTHING_YET;
    }
}
