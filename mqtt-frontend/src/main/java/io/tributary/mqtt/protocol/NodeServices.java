/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.tributary.mqtt.acl.Authorizer;
import io.tributary.mqtt.auth.AuthService;
import io.tributary.mqtt.delivery.SubscriberRegistry;
import io.tributary.mqtt.limits.NodeLimits;
import io.tributary.mqtt.metrics.BrokerMetrics;
import io.tributary.mqtt.publish.IngestService;
import io.tributary.mqtt.retained.RetainedStore;
import io.tributary.mqtt.session.SessionRegistry;
import java.util.function.Supplier;

/**
 * The node-wide services a connection's handlers use, and the protocol limits they enforce.
 *
 * @param receiveMaximum   QoS 1/2 publishes a client may have unacknowledged (advertised in MQTT 5)
 * @param maxPacketSize    largest packet accepted from a client
 * @param maxClientIdLength longest client identifier accepted
 * @param connectTimeoutMs time a new connection has to send CONNECT (and finish authenticating)
 * @param connectPolicy    topic aliases, keep alive and response information offered to MQTT 5 clients
 * @param auth             who may connect, and how they authenticate
 * @param limitsInForce    the limits now (connections, connect rate, topics, subscriptions): the node's own,
 *                         or the cluster's dynamic settings; read once per connection
 * @param authorizer       who may publish and subscribe to what (the ACL rules of the cluster metadata)
 */
public record NodeServices(
        SessionRegistry sessions,
        SubscriberRegistry subscribers,
        IngestService ingest,
        RetainedStore retained,
        BrokerMetrics metrics,
        int receiveMaximum,
        int maxPacketSize,
        int maxClientIdLength,
        int connectTimeoutMs,
        ConnectPolicy connectPolicy,
        AuthService auth,
        Supplier<NodeLimits> limitsInForce,
        Authorizer authorizer) {

    /** The limits in force now. */
    public NodeLimits limits() {
        return limitsInForce.get();
    }
}
