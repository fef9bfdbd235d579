/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.tributary.mqtt.publish.AckSequencer;
import io.tributary.mqtt.wire.PacketSizes;
import io.tributary.mqtt.wire.Packets;
import io.tributary.mqtt.wire.ReasonCodes;
import org.jspecify.annotations.Nullable;

/**
 * Writes the PUBACK / PUBREC of a connection's inbound QoS 1 / 2 PUBLISH packets once they are decided, in
 * arrival order, and one flush after a run of them. Successes, nearly all of them, are encoded back to back into
 * one buffer; a refusal (with its reason code and Reason String) goes through the encoder. Event-loop confined.
 */
final class PubReplyWriter {

    private final Connection connection;
    private final boolean mqtt5;
    private final boolean problemInformation;
    private boolean flushScheduled;

    PubReplyWriter(Connection connection, boolean mqtt5) {
        this.connection = connection;
        this.mqtt5 = mqtt5;
        this.problemInformation = connection.negotiated().problemInformation();
    }

    /** Writes every decided acknowledgement at the head of {@code acks}; returns how many. */
    int writeReady(AckSequencer acks) {
        ChannelHandlerContext ctx = connection.context();
        ByteBuf[] successes = {null};
        int written = acks.flush(slot -> {
            MqttMessageType type = slot.qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC;
            if (slot.reason == ReasonCodes.SUCCESS) {
                if (successes[0] == null) {
                    successes[0] = ctx.alloc().buffer(Packets.SUCCESS_REPLY_BYTES * (acks.size() + 1));
                }
                Packets.writeSuccessReply(successes[0], type, slot.packetId);
                return;
            }
            if (successes[0] != null) { // what came before goes first: acknowledgements keep the PUBLISH order
                ctx.write(successes[0]);
                successes[0] = null;
            }
            ctx.write(Packets.pubReply(type, slot.packetId, mqtt5, slot.reason, reasonString(slot)));
        });
        if (successes[0] != null) {
            ctx.write(successes[0]);
        }
        if (written > 0 && !flushScheduled) {
            // Kafka acknowledges in batches; one flush after the batch's callbacks ran, not one per PUBACK.
            flushScheduled = true;
            ctx.executor().execute(() -> {
                flushScheduled = false;
                ctx.flush();
            });
        }
        return written;
    }

    /** The Reason String of a refusal, or null when the client asked for none or it does not fit. */
    private @Nullable String reasonString(AckSequencer.Slot slot) {
        // No Reason String on PUBACK/PUBREC when the client asked for no problem information [MQTT-3.1.2-29].
        String why = !problemInformation
                ? null
                : slot.reasonText != null
                        ? slot.reasonText
                        : slot.reason == ReasonCodes.TOPIC_NAME_INVALID
                                ? "topic over the node's limits"
                                : slot.reason == ReasonCodes.NOT_AUTHORIZED
                                        ? "not authorized to publish to this topic"
                                        : "Kafka did not acknowledge the message";
        if (why != null && !PacketSizes.fits(PacketSizes.pubReply(why), connection.clientMaximumPacketSize())) {
            return null; // the Reason String only when it fits the client's Maximum Packet Size [MQTT-3.4.2-2]
        }
        return why;
    }
}
