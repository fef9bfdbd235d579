/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.placement.Entity;
import io.tributary.placement.PlacementDelta;
import io.tributary.placement.PlacementImage;
import io.tributary.placement.PlacementKey;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How a node's cluster-wide settings (auth.mode, acl.no.match, auth.client-id.must-match,
 * acl.subscribe.overlapping.deny) meet the cluster's: the first node stores its values, an explicit value
 * that differs refuses the start, a setting left out follows the cluster.
 */
class ClusterWideSettingsTest {

    private static BrokerConfig node(String... keyValues) {
        Map<String, String> settings = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put(keyValues[i], keyValues[i + 1]);
        }
        return new BrokerConfig(settings);
    }

    private static PlacementImage cluster(String... keyValues) {
        PlacementDelta delta = new PlacementDelta(PlacementImage.EMPTY);
        for (int i = 0; i < keyValues.length; i += 2) {
            Entity.Config c = new Entity.Config(keyValues[i], 1, keyValues[i + 1]);
            delta.replay(PlacementKey.of(c), c, i);
        }
        return delta.apply();
    }

    @Test
    void theFirstNodeStoresItsValuesExplicitOrDefault() {
        var r = ClusterWideSettings.reconcile(node("auth.mode", "REQUIRED"), PlacementImage.EMPTY);

        assertThat(r.conflicts()).isEmpty();
        assertThat(r.toStore())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "auth.mode", "required",
                        "acl.no.match", "allow",
                        "auth.client-id.must-match", "none",
                        "acl.subscribe.overlapping.deny", "filter"));
        assertThat(r.inForce()).isEqualTo(r.toStore());
    }

    @Test
    void anExplicitValueThatDiffersFromTheClustersRefusesTheStartNamingBoth() {
        var r = ClusterWideSettings.reconcile(
                node("auth.mode", "none", "acl.no.match", "deny"),
                cluster("auth.mode", "required", "acl.no.match", "deny"));

        assertThat(r.conflicts())
                .singleElement()
                .asString()
                .contains("this node's auth.mode=none differs from the cluster's auth.mode=required")
                .contains(BrokerConfig.PLACEMENT_TOPIC_DEFAULT)
                .contains("bin/tributary admin config put auth.mode none");
        assertThat(r.toStore()).doesNotContainKeys("auth.mode", "acl.no.match");
    }

    @Test
    void aSettingLeftOutFollowsTheClusterAndCaseDoesNotMatter() {
        var r = ClusterWideSettings.reconcile(
                node("acl.no.match", "DENY"), cluster("auth.mode", "required", "acl.no.match", "deny"));

        assertThat(r.conflicts()).isEmpty();
        assertThat(r.toStore()).doesNotContainKeys("auth.mode", "acl.no.match");
        assertThat(r.inForce()).containsAllEntriesOf(Map.of("auth.mode", "required", "acl.no.match", "deny"));
    }

    @Test
    void clientIdBindingAndOverlappingDenyAreClusterWideToo() {
        var conflict = ClusterWideSettings.reconcile(
                node("auth.client-id.must-match", "none", "acl.subscribe.overlapping.deny", "refuse"),
                cluster("auth.client-id.must-match", "prefix", "acl.subscribe.overlapping.deny", "refuse"));
        assertThat(conflict.conflicts())
                .singleElement()
                .asString()
                .contains("this node's auth.client-id.must-match=none differs from the cluster's "
                        + "auth.client-id.must-match=prefix");

        var follows = ClusterWideSettings.reconcile(
                node(), cluster("auth.client-id.must-match", "EQUAL", "acl.subscribe.overlapping.deny", "refuse"));
        assertThat(follows.conflicts()).isEmpty();
        assertThat(follows.inForce())
                .containsEntry("auth.client-id.must-match", "equal")
                .containsEntry("acl.subscribe.overlapping.deny", "refuse");
        assertThat(follows.toStore()).containsOnlyKeys("auth.mode", "acl.no.match"); // the cluster lacked those
    }

    @Test
    void anInvalidValueInTheClusterIsAConflictNotASilentDefault() {
        var r = ClusterWideSettings.reconcile(node(), cluster("auth.mode", "sometimes"));

        assertThat(r.conflicts())
                .singleElement()
                .asString()
                .contains("auth.mode=sometimes")
                .contains("not valid");
    }
}
