/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.tributary.mqtt.acl.Authorizer;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.limits.NodeLimits;
import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.publish.IngestService;
import io.tributary.mqtt.retained.RetainedStore;
import io.tributary.mqtt.schema.PayloadCheck;
import io.tributary.mqtt.schema.SchemaBindings;
import io.tributary.mqtt.session.ClientSession;
import io.tributary.mqtt.session.ExactlyOnce;
import io.tributary.mqtt.session.SessionRegistry;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/**
 * Builds the handler of an established session and its packet flows (PUBLISH in, SUBSCRIBE, delivery out),
 * each with exactly the collaborators it uses. One per node; the connect gate calls it after CONNACK is
 * decided.
 */
public final class SessionFlows {

    private final SessionRegistry sessions;
    private final SubscriberRegistry subscribers;
    private final IngestService ingest;
    private final RetainedStore retained;
    private final Authorizer authorizer;
    private final BrokerMetrics metrics;
    private final int receiveMaximum;
    private final Clock clock;
    private final @Nullable SchemaBindings schemas;
    private final boolean dropInvalidWithoutAck;
    private final @Nullable ExactlyOnce exactlyOnce;

    /** @param exactlyOnce QoS 2 of persistent sessions through Kafka transactions; null: the plain path */
    public SessionFlows(
            SessionRegistry sessions,
            SubscriberRegistry subscribers,
            IngestService ingest,
            RetainedStore retained,
            Authorizer authorizer,
            BrokerMetrics metrics,
            int receiveMaximum,
            Clock clock,
            @Nullable ExactlyOnce exactlyOnce) {
        this(
                sessions,
                subscribers,
                ingest,
                retained,
                authorizer,
                metrics,
                receiveMaximum,
                clock,
                exactlyOnce,
                null,
                false);
    }

    /** With the schema bindings that PUBLISH payloads are checked against (see {@link PublishFlow}). */
    public SessionFlows(
            SessionRegistry sessions,
            SubscriberRegistry subscribers,
            IngestService ingest,
            RetainedStore retained,
            Authorizer authorizer,
            BrokerMetrics metrics,
            int receiveMaximum,
            Clock clock,
            @Nullable ExactlyOnce exactlyOnce,
            @Nullable SchemaBindings schemas,
            boolean dropInvalidWithoutAck) {
        this.schemas = schemas;
        this.dropInvalidWithoutAck = dropInvalidWithoutAck;
        this.sessions = sessions;
        this.subscribers = subscribers;
        this.ingest = ingest;
        this.retained = retained;
        this.authorizer = authorizer;
        this.metrics = metrics;
        this.receiveMaximum = receiveMaximum;
        this.clock = clock;
        this.exactlyOnce = exactlyOnce;
    }

    /** What the schema bindings say about a message's payload (a will's, at CONNECT), counted like a PUBLISH's. */
    public PayloadCheck checkPayload(Message message) {
        return schemas == null ? PayloadCheck.AS_PUBLISHED : schemas.check(message.topic(), message.payload());
    }

    /** The handler of a session that has just been established; it makes its flows here when it needs them. */
    public SessionHandler open(
            ClientSession session, int clientMaxPacket, ConnectPolicy.Negotiated negotiated, NodeLimits limits) {
        SessionHandler handler = new SessionHandler(session, sessions, metrics, clientMaxPacket, negotiated, clock);
        handler.bind(this, limits);
        if (exactlyOnce != null) {
            exactlyOnce.guardReleases(session);
        }
        return handler;
    }

    /** The inbound PUBLISH / PUBREL flow of a session, under the limits in force when it connected. */
    PublishFlow publishFlow(ClientSession session, SessionHandler handler, NodeLimits limits) {
        return new PublishFlow(
                        session,
                        handler,
                        ingest,
                        metrics,
                        receiveMaximum,
                        limits.topics(),
                        authorizer,
                        clock,
                        schemas,
                        dropInvalidWithoutAck)
                .withExactlyOnce(exactlyOnce);
    }

    /** The SUBSCRIBE / UNSUBSCRIBE flow of a session, under the limits in force when it connected. */
    SubscribeFlow subscribeFlow(ClientSession session, SessionHandler handler, NodeLimits limits) {
        return new SubscribeFlow(session, handler, subscribers, sessions, retained, limits, metrics, authorizer);
    }
}
