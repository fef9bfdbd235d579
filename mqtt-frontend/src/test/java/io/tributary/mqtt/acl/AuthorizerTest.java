/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.acl;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.topic.TopicFilter;
import io.tributary.placement.Entity;
import io.tributary.placement.Entity.Action;
import io.tributary.placement.Entity.Permission;
import io.tributary.placement.PlacementChange;
import io.tributary.placement.PlacementDelta;
import io.tributary.placement.PlacementImage;
import io.tributary.placement.PlacementKey;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ACL semantics of docs/operations.md "Access control": matching, covering, overlapping, precedence. */
class AuthorizerTest {

    private static long offset;

    private static PlacementImage image(Entity.Acl... acls) {
        PlacementDelta delta = new PlacementDelta(PlacementImage.EMPTY);
        for (Entity.Acl a : acls) {
            delta.replay(new PlacementKey(a.kind(), a.name()), a, offset++);
        }
        return delta.apply();
    }

    private static Entity.Acl acl(String name, String principal, Action action, String filter, Permission p) {
        return new Entity.Acl(name, 1, principal, action, filter, p);
    }

    private static Authorizer authorizer(boolean allowWhenNoRule, Entity.Acl... acls) {
        Authorizer a = new Authorizer(allowWhenNoRule);
        a.apply(image(acls));
        return a;
    }

    private static boolean canSubscribe(Authorizer a, String principal, String filter) {
        return a.subscribeDenied(principal, TopicFilter.parse(filter)) == null;
    }

    @ParameterizedTest(name = "rule {0} matches topic {1}: {2}")
    @CsvSource({
        "sensors/alice/#, sensors/alice/t, true",
        "sensors/alice/#, sensors/alice, true", // '#' also names the parent level [MQTT-4.7.1-2]
        "sensors/alice/#, sensors/alice/a/b/c, true",
        "sensors/alice/#, sensors/bob/x, false",
        "sensors/+/t, sensors/bob/t, true",
        "sensors/+/t, sensors/bob/t/u, false",
        "sensors/+, sensors, false",
        "a/b, a/b, true",
        "a/b, a/b/, false",
        "#, $SYS/x, true", // a rule's leading wildcard also names $ topics (documented)
        "+/x, $a/x, true",
    })
    void ruleMatchesTopic(String rule, String topic, boolean expected) {
        RuleTrie trie = new RuleTrie();
        trie.add(rule, "r");
        assertThat(trie.firstMatch(topic.split("/", -1)) != null).isEqualTo(expected);
    }

    @Test
    void publishTrieBacktracksFromALiteralToAPlusBranch() {
        RuleTrie trie = new RuleTrie();
        trie.add("a/b/c", "literal");
        trie.add("a/+/d", "plus");
        trie.add("x/#", "rest");
        assertThat(trie.firstMatch("a/b/d".split("/"))).isEqualTo("plus");
        assertThat(trie.firstMatch("a/b/c".split("/"))).isEqualTo("literal");
        assertThat(trie.firstMatch("a/b".split("/"))).isNull();
        assertThat(trie.firstMatch("x".split("/"))).isEqualTo("rest");
        assertThat(trie.firstMatch("y/x".split("/"))).isNull();
    }

    @ParameterizedTest(name = "rule {0} covers filter {1}: {2}")
    @CsvSource({
        "sensors/alice/#, sensors/alice/#, true",
        "sensors/alice/#, sensors/alice/+/t, true",
        "sensors/alice/#, sensors/alice, true",
        "sensors/alice/#, sensors/#, false",
        "sensors/alice/#, sensors/+/t, false",
        "sensors/+/t, sensors/bob/t, true",
        "sensors/+/t, sensors/+/t, true", // '+' covers '+'
        "sensors/bob/t, sensors/+/t, false", // a literal does not cover '+'
        "sensors/+/t, sensors/+/#, false",
        "sensors/+, sensors/+/x, false",
        "a/+/#, a/#, false", // a/# receives 'a', which a/+/# does not name
        "#, $SYS/#, true",
        "$SYS/#, #, false",
        "#, #, true",
    })
    void ruleCoversFilter(String rule, String filter, boolean expected) {
        assertThat(new AclFilter(rule).covers(TopicFilter.parse(filter).levels()))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "rule {0} overlaps filter {1}: {2}")
    @CsvSource({
        "sensors/bob/#, sensors/#, true",
        "sensors/bob/#, sensors/+/t, true",
        "sensors/bob/#, sensors/alice/#, false",
        "sensors/bob/#, sensors, false", // sensors/bob/# names 'sensors/bob' and below, not 'sensors'
        "sensors/bob/#, sensors/bob, true",
        "a/+/c, a/b/+, true",
        "a/+/c, a/b/d, false",
        "a/b, a/b/#, true", // '#' names the parent level
        "a/b/#, a/b, true",
        "a/b/c, a/b, false",
        "a, a/+, false",
        "$SYS/#, #, false", // a subscription '#' never receives $ topics [MQTT-4.7.2-1]
        "$SYS/#, +/x, false",
        "$SYS/#, $SYS/+, true",
        "#, $SYS/x, true",
    })
    void ruleOverlapsFilter(String rule, String filter, boolean expected) {
        assertThat(new AclFilter(rule).overlaps(TopicFilter.parse(filter).levels()))
                .isEqualTo(expected);
    }

    @Test
    void noRulesFollowsTheNoMatchSetting() {
        Authorizer allow = authorizer(true);
        Authorizer deny = authorizer(false);
        assertThat(allow.publishDenied(null, "a/b")).isNull();
        assertThat(canSubscribe(allow, null, "#")).isTrue();
        assertThat(deny.publishDenied(null, "a/b")).contains("acl.no.match=deny");
        assertThat(deny.publishDenied("alice", "a/b")).contains("acl.no.match=deny");
        assertThat(canSubscribe(deny, "alice", "a/b")).isFalse();
    }

    @Test
    void aliceMayPublishUnderHerTreeOnly() {
        Authorizer a = authorizer(false, acl("alice-own", "alice", Action.ALL, "sensors/alice/#", Permission.ALLOW));
        assertThat(a.publishDenied("alice", "sensors/alice/temp")).isNull();
        assertThat(a.publishDenied("alice", "sensors/bob/x")).isNotNull();
        assertThat(a.publishDenied("bob", "sensors/alice/temp")).isNotNull(); // not alice's rule
        assertThat(a.publishDenied(null, "sensors/alice/temp")).isNotNull(); // anonymous: only '*' rules
        assertThat(canSubscribe(a, "alice", "sensors/alice/+")).isTrue();
        assertThat(canSubscribe(a, "alice", "sensors/#")).isFalse(); // not covered
    }

    @Test
    void denyWinsOverAllowWhateverThePrincipal() {
        Authorizer a = authorizer(
                true,
                acl("all-sensors", "alice", Action.ALL, "sensors/#", Permission.ALLOW),
                acl("no-bob", "*", Action.ALL, "sensors/bob/#", Permission.DENY));
        assertThat(a.publishDenied("alice", "sensors/alice/t")).isNull();
        assertThat(a.publishDenied("alice", "sensors/bob/t")).isEqualTo("denied by ACL rule 'no-bob'");
        assertThat(a.publishDenied(null, "sensors/bob/t")).isNotNull(); // '*' includes anonymous clients
        assertThat(a.publishDenied(null, "other")).isNull(); // no rule applies: acl.no.match=allow
        // A DENY refuses the subscriptions that lie wholly inside it; one that merely overlaps it is granted and
        // its messages are filtered at delivery.
        assertThat(canSubscribe(a, "alice", "sensors/bob/#")).isFalse();
        assertThat(canSubscribe(a, "alice", "sensors/bob/t")).isFalse();
        assertThat(canSubscribe(a, "alice", "sensors/#")).isTrue();
        assertThat(canSubscribe(a, "alice", "sensors/+/t")).isTrue();
        assertThat(canSubscribe(a, "alice", "sensors/alice/#")).isTrue();
        assertThat(a.readDenied("alice", "sensors/bob/t")).isEqualTo("denied by ACL rule 'no-bob'");
        assertThat(a.readDenied("alice", "sensors/alice/t")).isNull();
    }

    @Test
    void refuseOverlapSettingRefusesEveryFilterThatCouldReceiveADeniedTopic() {
        Authorizer a = new Authorizer(true, true); // acl.subscribe.overlapping.deny=refuse
        a.apply(image(
                acl("all-sensors", "alice", Action.ALL, "sensors/#", Permission.ALLOW),
                acl("no-bob", "*", Action.ALL, "sensors/bob/#", Permission.DENY)));
        assertThat(canSubscribe(a, "alice", "sensors/#")).isFalse();
        assertThat(canSubscribe(a, "alice", "sensors/+/t")).isFalse();
        assertThat(canSubscribe(a, "alice", "sensors/alice/#")).isTrue();
    }

    @Test
    void overlappingDenySettingIsReadFromTheConfiguration() {
        Entity.Acl deny = acl("no-bob", "*", Action.ALL, "sensors/bob/#", Permission.DENY);
        Authorizer refusing = Authorizer.fromConfig(
                new BrokerConfig(Map.of(BrokerConfig.ACL_SUBSCRIBE_OVERLAPPING_DENY_CONFIG, "REFUSE")));
        refusing.apply(image(deny));
        assertThat(canSubscribe(refusing, "alice", "sensors/#")).isFalse();
        Authorizer filtering = Authorizer.fromConfig(new BrokerConfig(Map.of()));
        filtering.apply(image(deny));
        assertThat(canSubscribe(filtering, "alice", "sensors/#")).isTrue();
    }

    @Test
    void theClusterWideOverlappingDenyChangesLiveAndHeldSubscriptionsAreJudgedAgain() {
        Authorizer a = Authorizer.fromConfig(new BrokerConfig(Map.of()));
        a.apply(image(acl("no-bob", "*", Action.ALL, "sensors/bob/#", Permission.DENY)));
        java.util.concurrent.atomic.AtomicInteger judged = new java.util.concurrent.atomic.AtomicInteger();
        a.whenChanged(judged::incrementAndGet);
        assertThat(canSubscribe(a, "alice", "sensors/#")).isTrue();

        a.overlappingDeny("REFUSE"); // bin/tributary admin config put acl.subscribe.overlapping.deny refuse
        assertThat(canSubscribe(a, "alice", "sensors/#")).isFalse();
        assertThat(judged).hasValue(1);
        a.overlappingDeny("refuse"); // the same value again: nothing to judge
        assertThat(judged).hasValue(1);
        a.overlappingDeny("filter");
        assertThat(canSubscribe(a, "alice", "sensors/#")).isTrue();
        assertThat(judged).hasValue(2);
    }

    @Test
    void oneDenyNoLongerRefusesWildcardsToEveryone() {
        // The mosquitto test case: DENY test/nosubscribe to everyone.
        Authorizer a = authorizer(true, acl("nosub", "*", Action.SUBSCRIBE, "test/nosubscribe", Permission.DENY));
        assertThat(canSubscribe(a, "bob", "#")).isTrue();
        assertThat(canSubscribe(a, "bob", "+/+")).isTrue();
        assertThat(canSubscribe(a, null, "test/#")).isTrue();
        assertThat(canSubscribe(a, "bob", "test/nosubscribe")).isFalse();
        ReadCheck read = a.readCheck("bob");
        assertThat(read.test("test/nosubscribe")).isFalse();
        assertThat(read.test("test/ok")).isTrue();
        assertThat(read.test("test/nosubscribe/deeper")).isTrue(); // the rule names one topic, not its subtree
    }

    @Test
    void readCheckFollowsChangedRulesAndNoMatchSetting() {
        Authorizer a = new Authorizer(true);
        a.apply(image());
        ReadCheck read = a.readCheck("alice");
        assertThat(read.test("a/b")).isTrue();
        a.apply(image(acl("no-a", "alice", Action.SUBSCRIBE, "a/#", Permission.DENY)));
        assertThat(read.test("a/b")).isFalse(); // the cached verdict belonged to the old rules
        assertThat(read.test("c")).isTrue();
        a.noMatch("deny");
        assertThat(read.test("c")).isFalse();
        a.apply(image(acl("c", "*", Action.SUBSCRIBE, "c", Permission.ALLOW)));
        assertThat(read.test("c")).isTrue();
        assertThat(a.readCheck("bob").test("a/b")).isFalse(); // no rule allows bob a/b under acl.no.match=deny
    }

    @Test
    void readCheckCacheStaysBounded() {
        Authorizer a = authorizer(true, acl("no-x", "*", Action.SUBSCRIBE, "x/#", Permission.DENY));
        ReadCheck read = a.readCheck("alice");
        for (int i = 0; i < ReadCheck.MAX_TOPICS * 3; i++) {
            assertThat(read.test((i % 2 == 0 ? "x/" : "y/") + i)).isEqualTo(i % 2 != 0);
        }
        assertThat(read.cachedTopics()).isLessThanOrEqualTo(ReadCheck.MAX_TOPICS);
    }

    @Test
    void actionsAreSeparate() {
        Authorizer a = authorizer(
                false,
                acl("pub", "alice", Action.PUBLISH, "out/#", Permission.ALLOW),
                acl("sub", "alice", Action.SUBSCRIBE, "in/#", Permission.ALLOW));
        assertThat(a.publishDenied("alice", "out/x")).isNull();
        assertThat(a.publishDenied("alice", "in/x")).isNotNull();
        assertThat(canSubscribe(a, "alice", "in/x")).isTrue();
        assertThat(canSubscribe(a, "alice", "out/x")).isFalse();
    }

    @Test
    void sharedSubscriptionsAreJudgedByTheirInnerFilter() {
        Authorizer a = authorizer(false, acl("jobs", "*", Action.SUBSCRIBE, "jobs/#", Permission.ALLOW));
        assertThat(canSubscribe(a, "worker", "$share/g/jobs/+")).isTrue();
        assertThat(canSubscribe(a, "worker", "$share/jobs/other")).isFalse();
    }

    @Test
    void invalidRulesAreSkipped() {
        Authorizer a = authorizer(
                false,
                acl("broken", "*", Action.ALL, "a/#/b", Permission.ALLOW),
                acl("shared", "*", Action.ALL, "$share/g/#", Permission.ALLOW));
        assertThat(a.publishDenied(null, "a/x/b")).isNotNull();
    }

    @Test
    void followsChangesOfTheRules() {
        Authorizer a = new Authorizer(true);
        PlacementImage before = image();
        a.apply(before);
        assertThat(a.publishDenied("alice", "x")).isNull();
        Entity.Acl deny = acl("no-x", "alice", Action.PUBLISH, "x", Permission.DENY);
        PlacementDelta delta = new PlacementDelta(before);
        PlacementKey key = new PlacementKey(deny.kind(), deny.name());
        delta.replay(key, deny, offset++);
        a.onChange(new PlacementChange(before, delta.apply(), Set.of(key)));
        assertThat(a.publishDenied("alice", "x")).isNotNull();
        assertThat(a.publishDenied("alice", "y")).isNull();
        assertThat(a.publishDenied("bob", "x")).isNull();
    }
}
