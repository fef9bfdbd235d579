/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol.scenario;

import static io.tributary.mqtt.protocol.scenario.ClientPackets.V3;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.V5;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.connect;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.intProp;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.props;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.publish;
import static io.tributary.mqtt.protocol.scenario.ClientPackets.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.tributary.mqtt.acl.Authorizer;
import io.tributary.mqtt.session.SessionState;
import io.tributary.placement.Entity;
import io.tributary.placement.Entity.Action;
import io.tributary.placement.Entity.Permission;
import io.tributary.placement.PlacementDelta;
import io.tributary.placement.PlacementImage;
import io.tributary.placement.PlacementKey;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ACLs that filter instead of refusing (docs/security.md): a wildcard SUBSCRIBE that overlaps a DENY is granted
 * and the denied topics are filtered out of what it receives (live, replayed and retained); a filter wholly
 * inside a DENY is refused; a resumed session's subscriptions are judged again by the rules in force.
 */
class AclFilterScenariosTest {

    private static final AtomicLong OFFSETS = new AtomicLong();
    private static final MqttProperties ONE_HOUR = props(intProp(MqttProperties.SESSION_EXPIRY_INTERVAL, 3600));

    private final Authorizer authorizer = new Authorizer(true);
    private final ProtocolHarness node;

    AclFilterScenariosTest() {
        ProtocolHarness.Options o = new ProtocolHarness.Options();
        o.authorizer = authorizer;
        node = new ProtocolHarness(o);
        rules(acl("nosub", Action.SUBSCRIBE, "test/nosubscribe"));
    }

    @AfterEach
    void close() {
        node.close();
    }

    private static Entity.Acl acl(String name, Action action, String filter) {
        return new Entity.Acl(name, 1, "*", action, filter, Permission.DENY);
    }

    private void rules(Entity.Acl... acls) {
        PlacementDelta delta = new PlacementDelta(PlacementImage.EMPTY);
        for (Entity.Acl a : acls) {
            delta.replay(new PlacementKey(a.kind(), a.name()), a, OFFSETS.incrementAndGet());
        }
        authorizer.apply(delta.apply());
    }

    private TestClient connected(MqttVersion version, String clientId) {
        TestClient c = node.open(version).send(connect(version, clientId, true).build());
        assertThat(c.connAckCode()).isZero();
        return c;
    }

    private void publishQos1(String topic, String payload, boolean retain) {
        TestClient p = connected(V5, "pub-" + topic.replace('/', '-'));
        p.send(publish(topic, payload, 1, 1, retain, MqttProperties.NO_PROPERTIES));
        p.reply(MqttMessageType.PUBACK);
    }

    @Test
    void wildcardOverlappingADenyIsGrantedAndTheDeniedTopicIsNotDelivered() {
        TestClient v5 = connected(V5, "dash5");
        v5.send(subscribe(1, "#", 1));
        assertThat(v5.subAck()).containsExactly(1); // granted, not 0x87
        TestClient v3 = connected(V3, "dash3");
        v3.send(subscribe(1, "+/+", 1));
        assertThat(v3.subAck()).containsExactly(1); // granted, not 0x80

        publishQos1("test/nosubscribe", "secret", false);
        publishQos1("test/ok", "fine", false);

        for (TestClient c : new TestClient[] {v5, v3}) {
            TestClient.Received r = c.publish();
            assertThat(r.topic()).isEqualTo("test/ok"); // the denied one, published first, never came
            assertThat(r.payload()).isEqualTo("fine");
        }
    }

    @Test
    void filterWhollyInsideADenyIsRefused() {
        TestClient v5 = connected(V5, "c5");
        v5.send(subscribe(1, "test/nosubscribe", 1));
        assertThat(v5.subAck()).containsExactly(0x87);
        TestClient v3 = connected(V3, "c3");
        v3.send(subscribe(1, "test/nosubscribe", 1));
        assertThat(v3.subAck()).containsExactly(0x80);
    }

    @Test
    void retainedMessageOfADeniedTopicIsNotSentOnSubscribe() {
        publishQos1("test/nosubscribe", "retained-secret", true);
        publishQos1("test/ok", "retained-fine", true);
        TestClient c = connected(V5, "late");
        c.send(subscribe(1, "test/#", 1));
        assertThat(c.subAck()).containsExactly(1);
        TestClient.Received r = c.publish();
        assertThat(r.topic()).isEqualTo("test/ok");
        assertThat(r.retain()).isTrue();
        c.expectNothing();
    }

    @Test
    void ruleAddedWhileAwayFiltersTheReplayedMessagesOfAResumedSession() {
        TestClient sub = node.open(V5)
                .send(connect(V5, "away", false).properties(ONE_HOUR).build());
        sub.connAck();
        sub.send(subscribe(1, "news/#", 1));
        assertThat(sub.subAck()).containsExactly(1);
        sub.send(ClientPackets.disconnect());
        publishQos1("news/secret", "while away, denied", false);
        publishQos1("news/open", "while away", false);
        rules(acl("nosub", Action.SUBSCRIBE, "test/nosubscribe"), acl("no-secret", Action.SUBSCRIBE, "news/secret"));

        TestClient back = node.open(V5)
                .send(connect(V5, "away", false).properties(ONE_HOUR).build());
        assertThat(back.connAck().variableHeader().isSessionPresent()).isTrue();
        TestClient.Received r = back.publish();
        assertThat(r.topic()).isEqualTo("news/open");
        back.expectNothing();
    }

    @Test
    void resumedSubscriptionTheRulesNowRefuseIsDropped() {
        TestClient sub = node.open(V5)
                .send(connect(V5, "keeper", false).properties(ONE_HOUR).build());
        sub.connAck();
        sub.send(ClientPackets.subscribeAll(1, 1, "orders/new", "orders/done"));
        assertThat(sub.subAck()).containsExactly(1, 1);
        sub.send(ClientPackets.disconnect());
        rules(acl("no-new", Action.SUBSCRIBE, "orders/new"));

        TestClient back = node.open(V5)
                .send(connect(V5, "keeper", false).properties(ONE_HOUR).build());
        assertThat(back.connAck().variableHeader().isSessionPresent()).isTrue();
        SessionState stored = node.sessionLog.latest("keeper");
        assertThat(stored.subscriptions())
                .extracting(SessionState.StoredSubscription::filter)
                .containsExactly("orders/done"); // dropped from the record too
        publishQos1("orders/new", "n", false);
        publishQos1("orders/done", "d", false);
        assertThat(back.publish().topic()).isEqualTo("orders/done");
        back.expectNothing();
    }
}
