/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.server;

import io.tributary.mqtt.acl.Authorizer;
import io.tributary.mqtt.auth.AuthService;
import io.tributary.mqtt.auth.ClientIdRule;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.limits.NodeLimits;
import io.tributary.mqtt.placement.ClusterWideSettings;
import io.tributary.mqtt.placement.DynamicConfig;
import io.tributary.mqtt.placement.Placement;
import io.tributary.mqtt.placement.PlacementUsers;
import java.util.function.Consumer;

/**
 * What a node follows live in the cluster metadata, before anything else starts: the users, the dynamic limits, the
 * ACL rules, and the cluster-wide security settings this node must agree with. Each is applied to the image read at
 * start, then to every change.
 */
final class NodeMetadata {
    private NodeMetadata() {}

    /** The ACL rules in force and the cluster-wide settings this node joined with. */
    record Followed(Authorizer authorizer, ClusterWideSettings clusterWide) {}

    /**
     * @param limits receives the limits in force: the node's own, or the cluster's dynamic settings
     * @throws org.apache.kafka.common.config.ConfigException when this node's cluster-wide settings (auth.mode,
     *     acl.no.match, auth.client-id.must-match, acl.subscribe.overlapping.deny) differ from the cluster's (the node
     *     refuses to join)
     */
    static Followed follow(
            BrokerConfig config,
            Placement placement,
            PlacementUsers users,
            AuthService auth,
            Consumer<NodeLimits> limits) {
        placement.store().addListener(users);
        users.apply(placement.store().image());
        DynamicConfig dynamic = new DynamicConfig(config, effective -> limits.accept(NodeLimits.of(effective)));
        placement.store().addListener(dynamic);
        dynamic.apply(placement.store().image());
        Authorizer authorizer = Authorizer.fromConfig(config); // the ACL rules, followed live like the users
        placement.store().addListener(authorizer);
        authorizer.apply(placement.store().image());
        // The cluster-wide security settings agree on every node, or this one refuses to start
        ClusterWideSettings clusterWide = ClusterWideSettings.join(config, placement, inForce -> {
            auth.mode(AuthService.Mode.of(inForce.get(BrokerConfig.AUTH_MODE_CONFIG)));
            auth.clientIdRule(ClientIdRule.of(inForce.get(BrokerConfig.AUTH_CLIENT_ID_MUST_MATCH_CONFIG)));
            authorizer.noMatch(inForce.get(BrokerConfig.ACL_NO_MATCH_CONFIG));
            authorizer.overlappingDeny(inForce.get(BrokerConfig.ACL_SUBSCRIBE_OVERLAPPING_DENY_CONFIG));
        });
        return new Followed(authorizer, clusterWide);
    }
}
