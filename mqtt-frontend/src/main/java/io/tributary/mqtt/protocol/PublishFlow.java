/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.tributary.mqtt.acl.Authorizer;
import io.tributary.mqtt.config.CrashPoint;
import io.tributary.mqtt.limits.TopicLimits;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import io.tributary.mqtt.metrics.AclAction;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.metrics.LimitKind;
import io.tributary.mqtt.publish.AckSequencer;
import io.tributary.mqtt.publish.InboundTopicAliases;
import io.tributary.mqtt.publish.IngestService;
import io.tributary.mqtt.schema.PayloadCheck;
import io.tributary.mqtt.schema.SchemaBindings;
import io.tributary.mqtt.session.ClientSession;
import io.tributary.mqtt.session.ExactlyOnce;
import io.tributary.mqtt.topic.TopicName;
import io.tributary.mqtt.wire.Packets;
import io.tributary.mqtt.wire.PropertiesMapper;
import io.tributary.mqtt.wire.ReasonCodes;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound PUBLISH and PUBREL of one connection: validate, copy the message out of Netty's buffer, hand it
 * to the ingest service, and acknowledge (in arrival order) only once Kafka has the record. While too much
 * of this connection's traffic waits for Kafka, the socket is not read. Event-loop confined.
 */
public final class PublishFlow {

    private final Clock clock;

    private static final Logger LOG = LoggerFactory.getLogger(PublishFlow.class);

    private final ClientSession session;
    private final Connection connection;
    private final IngestService ingest;
    private final BrokerMetrics metrics;
    private final int receiveMaximum;
    private final TopicLimits topicLimits;
    private final Authorizer authorizer;
    private final AckSequencer acks = new AckSequencer();
    private final InboundTopicAliases aliases; // of this network connection only [MQTT-3.3.2-7]
    private final PubReplyWriter replies;
    private final @Nullable SchemaBindings schemas;
    private final boolean dropInvalidWithoutAck; // schema.invalid.payload.mqtt311=drop
    private int pending; // publishes of any QoS waiting for Kafka
    private int pendingAcks; // QoS 1/2 publishes not yet acknowledged (MQTT 5 Receive Maximum)
    // QoS 2 publishes of this connection past PUBREC, before PUBREL: the client's quota comes back only with the
    // PUBCOMP (MQTT 5 section 4.9), so they still count against the Receive Maximum.
    private int awaitingPubrel;
    private boolean pausedByFlow;
    private @Nullable ExactlyOnce exactlyOnce;
    private @Nullable KafkaAckHandOff kafkaAcks; // made at the first PUBLISH that goes to Kafka

    public PublishFlow(
            ClientSession session,
            Connection connection,
            IngestService ingest,
            BrokerMetrics metrics,
            int receiveMaximum,
            TopicLimits topicLimits,
            Authorizer authorizer,
            Clock clock) {
        this(session, connection, ingest, metrics, receiveMaximum, topicLimits, authorizer, clock, null, false);
    }

    /**
     * @param schemas the schema bindings payloads are checked against (docs/schemas.md), or null for none
     * @param dropInvalidWithoutAck an invalid payload that no reason code can refuse (MQTT 3.1.1, QoS 0) is
     *     acknowledged and dropped rather than answered by a disconnect
     */
    public PublishFlow(
            ClientSession session,
            Connection connection,
            IngestService ingest,
            BrokerMetrics metrics,
            int receiveMaximum,
            TopicLimits topicLimits,
            Authorizer authorizer,
            Clock clock,
            @Nullable SchemaBindings schemas,
            boolean dropInvalidWithoutAck) {
        this.schemas = schemas;
        this.dropInvalidWithoutAck = dropInvalidWithoutAck;
        this.clock = clock;
        this.session = session;
        this.connection = connection;
        this.ingest = ingest;
        this.metrics = metrics;
        this.receiveMaximum = receiveMaximum;
        this.aliases = new InboundTopicAliases(connection.negotiated().topicAliasMaximum());
        this.replies = new PubReplyWriter(connection, session.isMqtt5());
        this.topicLimits = topicLimits;
        this.authorizer = authorizer;
    }

    /** QoS 2 of persistent sessions through Kafka transactions (qos2.exactly.once); without it, the plain path. */
    public PublishFlow withExactlyOnce(@Nullable ExactlyOnce durableQos2) {
        this.exactlyOnce = durableQos2;
        return this;
    }

    public void onPublish(MqttPublishMessage msg) {
        String topic = msg.variableHeader().topicName();
        int qos = msg.fixedHeader().qosLevel().value();
        int packetId = msg.variableHeader().packetId();
        MqttProperties props = msg.variableHeader().properties();
        if (session.isMqtt5()) {
            topic = resolveAlias(topic, props);
            if (topic == null) {
                return;
            }
        }
        // Malformed names close the connection; a name too deep for the node is refused below, as a limit.
        String invalid = TopicName.malformedReason(topic);
        if (invalid != null) {
            connection.protocolViolation(ReasonCodes.TOPIC_NAME_INVALID, invalid);
            return;
        }
        String badProperty = session.isMqtt5() ? invalidProperties(props) : null;
        if (badProperty != null) {
            connection.protocolViolation(ReasonCodes.PROTOCOL_ERROR, badProperty);
            return;
        }
        String overLimit = topicLimits.exceeded(topic);
        if (overLimit != null) {
            metrics.limitHit(LimitKind.TOPIC_SIZE);
            refuse(qos, packetId, ReasonCodes.TOPIC_NAME_INVALID, overLimit);
            return;
        }
        if (topic.startsWith("$SYS/") || topic.equals("$SYS")) {
            // $SYS is the broker's own tree (docs/operations.md): clients may not publish into it.
            metrics.sysPublishRefused();
            refuse(qos, packetId, ReasonCodes.NOT_AUTHORIZED, "$SYS topics are published by the broker");
            return;
        }
        // A re-sent QoS 2 PUBLISH Kafka already has is acknowledged as such below, whatever the rules say now.
        boolean written = qos == 2 && session.qos2Received().contains(packetId);
        String denied = written ? null : ConnectionToken.publishDenied(authorizer, session, topic);
        if (denied != null) {
            metrics.aclDenied(AclAction.PUBLISH);
            LOG.debug(
                    "PUBLISH of client {} (user {}) to '{}' refused: {}",
                    session.clientId(),
                    session.principal(),
                    topic,
                    denied);
            refuse(qos, packetId, ReasonCodes.NOT_AUTHORIZED, "not authorized: " + denied);
            return;
        }
        if (qos > 0 && session.isMqtt5() && pendingAcks + awaitingPubrel >= receiveMaximum) {
            connection.protocolViolation(
                    ReasonCodes.RECEIVE_MAXIMUM_EXCEEDED,
                    "more than " + receiveMaximum + " unacknowledged QoS 1/2 publishes [MQTT-3.3.4-9]");
            return;
        }
        long received = System.nanoTime();
        long now = clock.millis();
        byte[] payload = ByteBufUtil.getBytes(msg.payload());
        PayloadCheck check = written || schemas == null ? PayloadCheck.AS_PUBLISHED : schemas.check(topic, payload);
        if (!check.accepted()) {
            refusePayload(qos, packetId, topic, check);
            return;
        }
        Message message = new Message(
                topic,
                payload,
                qos,
                msg.fixedHeader().isRetain(),
                session.clientId(),
                session.isMqtt5() ? PropertiesMapper.fromPublish(props, now) : MessageProperties.NONE);
        metrics.publishReceived(qos, payload.length);

        if (qos == 2 && !session.qos2Received().add(packetId)) {
            // A re-sent QoS 2 PUBLISH before PUBREL: already written, acknowledge again [MQTT-4.3.3-9].
            pendingAcks++;
            acks.add(packetId, qos).complete(ReasonCodes.SUCCESS);
            flushAcks();
            return;
        }
        AckSequencer.Slot slot = qos > 0 ? acks.add(packetId, qos) : null;
        if (slot != null) {
            pendingAcks++;
        }
        pending++;
        Channel channel = connection.context().channel();
        ExactlyOnce durable = qos == 2 && exactlyOnce != null && exactlyOnce.appliesTo(session) ? exactlyOnce : null;
        // Exactly once: the message commits with the session's record of its packet id, before PUBREC.
        CompletableFuture<Void> write = ingest.publish(
                message,
                check.recordValue(),
                durable == null ? null : (route, record) -> durable.receive(session, route, record));
        // The producer completes this on its I/O thread, the one QoS 1 ingest is bound by: time it on the event loop.
        KafkaAckHandOff handOff = kafkaAcks(channel);
        write.whenComplete((v, error) -> handOff.completed(slot, received, error));
        if (pending >= receiveMaximum) {
            pausedByFlow = true;
            channel.config().setAutoRead(false);
        }
        ingest.flowControl().pauseIfOverLimit(channel);
    }

    /**
     * The topic name of an MQTT 5 PUBLISH once its Topic Alias is applied (a topic name with an alias also sets
     * the alias), or null when the connection is being closed for a bad alias.
     */
    private @Nullable String resolveAlias(String topic, MqttProperties props) {
        Integer alias = PropertiesMapper.intValue(props, MqttProperties.TOPIC_ALIAS);
        if (alias == null) {
            if (topic.isEmpty()) {
                // MQTT 5 section 3.3.2.1: a zero-length topic name without a topic alias is a Protocol Error.
                connection.protocolViolation(ReasonCodes.PROTOCOL_ERROR, "empty topic name without a topic alias");
                return null;
            }
            return topic;
        }
        if (!aliases.isValid(alias)) {
            connection.protocolViolation(
                    ReasonCodes.TOPIC_ALIAS_INVALID,
                    "topic alias " + alias + " outside 1.." + aliases.maximum() + " [MQTT-3.3.2-8] [MQTT-3.3.2-9]");
            return null;
        }
        if (topic.isEmpty()) {
            String known = aliases.topic(alias);
            if (known == null) {
                connection.protocolViolation(
                        ReasonCodes.PROTOCOL_ERROR,
                        "topic alias " + alias + " used before it was set on this connection");
            }
            return known;
        }
        aliases.bind(alias, topic); // an invalid topic name closes the connection right after, with its table
        return topic;
    }

    /**
     * A PUBLISH the node will not take (topic over mqtt.max.topic.levels / .length: 0x90; into $SYS or denied by
     * the ACL rules: 0x87). MQTT
     * 5 refuses a QoS 1/2 PUBLISH in its PUBACK / PUBREC (sections 3.4.2.1, 3.5.2.1) and the connection stays;
     * QoS 0 has no acknowledgement and MQTT 3.1.1 no negative one, so those are disconnected (MQTT 5 with a
     * DISCONNECT carrying the code; MQTT 3.1.1 may close instead of acknowledging [MQTT-3.3.5-2]).
     */
    private void refuse(int qos, int packetId, byte code, String why) {
        if (qos > 0 && session.isMqtt5()) {
            pendingAcks++;
            acks.add(packetId, qos).complete(code);
            flushAcks();
            return;
        }
        connection.protocolViolation(code, why);
    }

    /**
     * A payload its schema binding refuses: MQTT 5 QoS 1/2 in the PUBACK / PUBREC (0x99 Payload format invalid,
     * or 0x80 when the schema cannot be had) with the reason string; otherwise a disconnect, or, for an invalid
     * payload with schema.invalid.payload.mqtt311=drop, an ordinary acknowledgement of a message that is not
     * written. Never reaches Kafka.
     */
    private void refusePayload(int qos, int packetId, String topic, PayloadCheck check) {
        LOG.debug("PUBLISH of client {} to '{}' refused: {}", session.clientId(), topic, check.reason());
        if (qos > 0 && session.isMqtt5()) {
            pendingAcks++;
            acks.add(packetId, qos).complete(check.reasonCode(), check.reason());
            flushAcks();
        } else if (dropInvalidWithoutAck && check.reasonCode() == ReasonCodes.PAYLOAD_FORMAT_INVALID) {
            // Only a payload the schema refuses: one refused because the schema cannot be had now (0x80) closes
            // the connection, so the client sends it again later rather than losing it.
            if (qos > 0) {
                pendingAcks++;
                acks.add(packetId, qos).complete(ReasonCodes.SUCCESS);
                flushAcks();
            }
        } else {
            connection.protocolViolation(check.reasonCode(), check.reason());
        }
    }

    private KafkaAckHandOff kafkaAcks(Channel channel) {
        if (kafkaAcks == null) {
            kafkaAcks = new KafkaAckHandOff(
                    channel.eventLoop(),
                    c -> {
                        metrics.kafkaAcknowledged(c.receivedNanos(), c.error() != null);
                        written(c.slot(), c.error());
                    },
                    this::flushAcks);
        }
        return kafkaAcks;
    }

    /** Book-keeping of one record Kafka took or failed; the batch's PUBACKs are written after the last one. */
    private void written(AckSequencer.@Nullable Slot slot, @Nullable Throwable error) {
        pending--;
        if (pausedByFlow && pending <= receiveMaximum / 2) {
            pausedByFlow = false;
            connection.context().channel().config().setAutoRead(true);
        }
        if (slot == null) {
            return; // QoS 0: nothing to acknowledge
        }
        if (error != null) {
            if (slot.qos == 2) {
                session.qos2Received().remove(slot.packetId);
            }
            if (!session.isMqtt5()) {
                // MQTT 3.1.1 has no negative acknowledgement: close so the client re-sends on reconnect.
                connection.protocolViolation(ReasonCodes.UNSPECIFIED_ERROR, "Kafka did not acknowledge the message");
                return;
            }
            slot.complete(ReasonCodes.UNSPECIFIED_ERROR);
        } else {
            if (slot.qos == 2) {
                awaitingPubrel++;
                CrashPoint.reached(CrashPoint.QOS2_IN_COMMITTED);
            }
            slot.complete(ReasonCodes.SUCCESS);
        }
    }

    private void flushAcks() {
        pendingAcks = Math.max(0, pendingAcks - replies.writeReady(acks));
    }

    public void onPubrel(int packetId) {
        boolean known = session.qos2Received().remove(packetId);
        if (known && awaitingPubrel > 0) {
            awaitingPubrel--; // (a PUBREL of an earlier connection's message may end one of these: never over-counts)
        }
        byte reason = known ? ReasonCodes.SUCCESS : ReasonCodes.PACKET_IDENTIFIER_NOT_FOUND;
        if (known && exactlyOnce != null && exactlyOnce.appliesTo(session)) {
            // The packet id is forgotten in Kafka before PUBCOMP lets the client reuse it: a new message under
            // the same id after a crash must not be taken for a duplicate of this one.
            Channel channel = connection.context().channel();
            exactlyOnce
                    .store(session)
                    .whenComplete((v, e) -> channel.eventLoop().execute(() -> {
                        if (e != null) {
                            connection.protocolViolation(
                                    ReasonCodes.UNSPECIFIED_ERROR, "Kafka did not store the release");
                        } else {
                            CrashPoint.reached(CrashPoint.QOS2_IN_RELEASED);
                            pubcomp(packetId, reason);
                        }
                    }));
            return;
        }
        pubcomp(packetId, reason);
    }

    private void pubcomp(int packetId, byte reason) {
        connection
                .context()
                .writeAndFlush(Packets.pubReply(MqttMessageType.PUBCOMP, packetId, session.isMqtt5(), reason, null));
    }

    /** Why the properties of a client's PUBLISH break the protocol, or null. */
    private static @Nullable String invalidProperties(MqttProperties props) {
        if (props.getProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER) != null) {
            return "subscription identifier in a client's PUBLISH [MQTT-3.3.4-6]";
        }
        String responseTopic = PropertiesMapper.stringValue(props, MqttProperties.RESPONSE_TOPIC);
        String invalid = responseTopic == null ? null : TopicName.invalidReason(responseTopic);
        // Forwarded as it is, so it is checked as the topic name it will become [MQTT-3.3.2-14].
        return invalid == null ? null : "invalid response topic: " + invalid + " [MQTT-3.3.2-14]";
    }
}
