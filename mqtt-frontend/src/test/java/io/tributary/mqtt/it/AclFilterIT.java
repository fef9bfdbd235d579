/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.it;

import static io.tributary.mqtt.testing.UserClients.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.tributary.mqtt.config.BrokerConfig;
import io.tributary.mqtt.server.BrokerNode;
import io.tributary.mqtt.testing.BrokerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With real clients on two nodes of one cluster (auth.mode=required): ACLs that filter instead of refusing (a
 * DENY of {@code test/nosubscribe} to everyone leaves {@code #} grantable, and the denied topic never reaches the
 * subscriber, live, retained or through a share group), and a session that belongs to the user who made it (a
 * CONNECT by another user with its client id is refused on either node and the owner stays connected). A DENY
 * written at runtime revokes the subscriptions it covers that clients already hold, on every node.
 */
class AclFilterIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final BrokerExtension broker = BrokerExtension.withNodes(
            2, Map.of(BrokerConfig.ADMIN_HTTP_PORT_CONFIG, "0", BrokerConfig.AUTH_MODE_CONFIG, "required"));

    static BrokerNode first;
    static BrokerNode second;

    @BeforeAll
    static void usersAndRules() throws Exception {
        first = broker.node(0);
        second = broker.node(1);
        AclIT.put(first, "/v1/users/alice", "{\"password\":\"alice-pw\"}");
        AclIT.put(first, "/v1/users/bob", "{\"password\":\"bob-pw\"}");
        AclIT.putAcl(first, "nosub", "*", "subscribe", "test/nosubscribe", "deny");
        // Users and rules reach both nodes asynchronously: wait until each refuses the denied filter itself.
        for (BrokerNode node : List.of(first, second)) {
            await().atMost(WAIT)
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> {
                        try (V5Client probe =
                                V5Client.connectAs(node, "probe-" + node.mqttPort(), true, 0, "bob", "bob-pw")) {
                            // The blocking client throws when every filter of the SUBACK is refused.
                            Mqtt5SubAckException refused = catchThrowableOfType(
                                    Mqtt5SubAckException.class,
                                    () -> probe.client
                                            .subscribeWith()
                                            .topicFilter("test/nosubscribe")
                                            .send());
                            return refused != null
                                    && refused.getMqttMessage()
                                            .getReasonCodes()
                                            .equals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED));
                        }
                    });
        }
    }

    @Test
    void wildcardSubscriptionIsGrantedAndReceivesAllButTheDeniedTopic() throws Exception {
        try (V5Client dash = V5Client.connectAs(first, "dash-5", true, 0, "bob", "bob-pw");
                V3Client dash3 = V3Client.connectAs(second, "dash-3", true, "bob", "bob-pw");
                V5Client pub = V5Client.connectAs(second, "dash-pub", true, 0, "alice", "alice-pw")) {
            var codes = dash.client
                    .subscribeWith()
                    .topicFilter("#")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send()
                    .getReasonCodes();
            assertThat(codes).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            int[] granted = dash3.subscribeAll(new String[] {"+/+"}, new int[] {1});
            assertThat(granted).containsExactly(1);

            pub.publish("test/nosubscribe", "denied-live", 1, false);
            pub.publish("test/ok", "ok-live", 1, false);
            await().atMost(WAIT)
                    .until(() -> dash.hasPayload("ok-live") && dash3.payloads().contains("ok-live"));
            // Published before test/ok, on the same shard: it would have arrived first.
            assertThat(dash.payloads()).doesNotContain("denied-live");
            assertThat(dash3.payloads()).doesNotContain("denied-live");
        }
    }

    @Test
    void retainedMessageOfADeniedTopicIsNotDelivered() throws Exception {
        try (V5Client pub = V5Client.connectAs(first, "ret-pub", true, 0, "alice", "alice-pw")) {
            pub.publish("test/nosubscribe", "denied-retained", 1, true);
            pub.publish("test/ok", "ok-retained", 1, true);
        }
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            try (V5Client late = V5Client.connectAs(second, "ret-sub", true, 0, "bob", "bob-pw")) {
                late.client.subscribeWith().topicFilter("test/#").send();
                await().atMost(Duration.ofSeconds(5)).until(() -> late.hasPayload("ok-retained"));
                assertThat(late.payloads()).doesNotContain("denied-retained");
            }
        });
    }

    @Test
    void sharedSubscriptionDoesNotDeliverTheDeniedTopic() {
        try (V5Client member = V5Client.connectAs(first, "share-m", true, 0, "bob", "bob-pw");
                V5Client pub = V5Client.connectAs(first, "share-pub", true, 0, "alice", "alice-pw")) {
            var codes = member.client
                    .subscribeWith()
                    .topicFilter("$share/g/test/+")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send()
                    .getReasonCodes();
            assertThat(codes).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            pub.publish("test/nosubscribe", "denied-shared", 1, false);
            pub.publish("test/ok", "ok-shared", 1, false);
            await().atMost(WAIT).until(() -> member.hasPayload("ok-shared"));
            assertThat(member.payloads()).doesNotContain("denied-shared");
        }
    }

    @Test
    void anotherUsersConnectWithTheClientIdIsRefusedOnEveryNode() throws Exception {
        try (V5Client alice = V5Client.connectAs(first, "alice-dev", false, 3600, "alice", "alice-pw");
                V5Client pub = V5Client.connectAs(first, "alice-pub", true, 0, "alice", "alice-pw")) {
            alice.client
                    .subscribeWith()
                    .topicFilter("sensors/alice/#")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            // The other node knows the session from the sessions topic: wait until its record got there.
            await().atMost(WAIT).until(() -> second.sessionOwner("alice-dev") != null);
            for (BrokerNode node : List.of(first, second)) {
                Mqtt5ConnAckException refused = catchThrowableOfType(
                        Mqtt5ConnAckException.class,
                        () -> V5Client.connectAs(node, "alice-dev", false, 3600, "bob", "bob-pw"));
                assertThat(refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
                MqttException refused3 = catchThrowableOfType(
                        MqttException.class, () -> V3Client.connectAs(node, "alice-dev", false, "bob", "bob-pw"));
                assertThat(refused3.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
            }
            assertThat(alice.client.getState().isConnected()).isTrue();
            pub.publish("sensors/alice/secret", "alice-secret-1", 1, false);
            await().atMost(WAIT).until(() -> alice.hasPayload("alice-secret-1"));
        }
    }

    @Test
    void anotherUsersConnectWithTheClientIdOfACleanSessionIsRefusedOnEveryNode() throws Exception {
        AtomicReference<Mqtt5DisconnectReasonCode> aliceDisconnected = new AtomicReference<>();
        Mqtt5AsyncClient alice = client(first, "alice-clean", "alice", aliceDisconnected);
        alice.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS); // no will, never stored
        // The other node knows the connection from the sessions topic: wait until its record got there.
        await().atMost(WAIT).until(() -> "alice".equals(second.sessionOwner("alice-clean")));
        for (BrokerNode node : List.of(first, second)) {
            Mqtt5ConnAckException refused = catchThrowableOfType(
                    Mqtt5ConnAckException.class,
                    () -> V5Client.connectAs(node, "alice-clean", true, 0, "bob", "bob-pw"));
            assertThat(refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
            MqttException refused3 = catchThrowableOfType(
                    MqttException.class, () -> V3Client.connectAs(node, "alice-clean", true, "bob", "bob-pw"));
            assertThat(refused3.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
        }
        assertThat(alice.getState().isConnected()).isTrue();
        assertThat(aliceDisconnected.get()).isNull();

        // Once alice's connection ends, the client id is free again, on every node.
        alice.disconnect().get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> second.sessionOwner("alice-clean") == null);
        try (V5Client bob = V5Client.connectAs(second, "alice-clean", true, 0, "bob", "bob-pw")) {
            assertThat(bob.client.getState().isConnected()).isTrue();
        }
    }

    @Test
    void twoUsersConnectingWithOneClientIdOnTwoNodesAtOnceLeaveOneHolderAndRefuseTheOther() throws Exception {
        for (int round = 0; round < 5; round++) {
            String clientId = "contested-" + round;
            AtomicReference<Mqtt5DisconnectReasonCode> aliceDisconnected = new AtomicReference<>();
            AtomicReference<Mqtt5DisconnectReasonCode> bobDisconnected = new AtomicReference<>();
            Mqtt5AsyncClient alice = client(first, clientId, "alice", aliceDisconnected);
            Mqtt5AsyncClient bob = client(second, clientId, "bob", bobDisconnected);
            CountDownLatch start = new CountDownLatch(1);
            CompletableFuture<Mqtt5ConnAckReasonCode> aliceAck = connectAt(start, alice);
            CompletableFuture<Mqtt5ConnAckReasonCode> bobAck = connectAt(start, bob);
            start.countDown();
            List<Mqtt5ConnAckReasonCode> codes =
                    List.of(aliceAck.get(30, TimeUnit.SECONDS), bobAck.get(30, TimeUnit.SECONDS));

            // One user holds the client id; the other is refused (0x87), never answered with success first.
            assertThat(codes)
                    .as("round %d", round)
                    .containsExactlyInAnyOrder(Mqtt5ConnAckReasonCode.SUCCESS, Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
            Mqtt5AsyncClient holder = codes.get(0) == Mqtt5ConnAckReasonCode.SUCCESS ? alice : bob;
            // The holder is untouched: no late claim of the race takes it over.
            await().during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> holder.getState().isConnected());
            assertThat(aliceDisconnected.get()).isNull();
            assertThat(bobDisconnected.get()).isNull();
            holder.disconnect().get(10, TimeUnit.SECONDS);
        }
    }

    /** A clean CONNECT sent once {@code start} opens; completes with its CONNACK's reason code. */
    private static CompletableFuture<Mqtt5ConnAckReasonCode> connectAt(CountDownLatch start, Mqtt5AsyncClient c) {
        return CompletableFuture.runAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })
                .thenCompose(v -> c.connectWith().cleanStart(true).send())
                .handle((ack, e) -> {
                    if (e == null) {
                        return ack.getReasonCode();
                    }
                    Throwable cause = e instanceof CompletionException ? e.getCause() : e;
                    if (cause instanceof Mqtt5ConnAckException refused) {
                        return refused.getMqttMessage().getReasonCode();
                    }
                    throw new AssertionError("CONNECT failed without a CONNACK", cause);
                });
    }

    @Test
    void aDenyWrittenAtRuntimeRevokesTheSubscriptionsItCoversAndFiltersTheOverlappingOnes() throws Exception {
        try (V5Client covered = V5Client.connectAs(second, "revoke-covered", true, 0, "bob", "bob-pw");
                V5Client overlapping = V5Client.connectAs(second, "revoke-overlap", true, 0, "bob", "bob-pw");
                V5Client pub = V5Client.connectAs(first, "revoke-pub", true, 0, "alice", "alice-pw")) {
            covered.client
                    .subscribeWith()
                    .topicFilter("revoke/secret/#")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            overlapping
                    .client
                    .subscribeWith()
                    .topicFilter("revoke/#")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            pub.publish("revoke/secret/a", "before", 1, false);
            await().atMost(WAIT).until(() -> covered.hasPayload("before") && overlapping.hasPayload("before"));

            // Written through the first node, applied by the second from the cluster metadata.
            AclIT.putAcl(first, "revoke-secret", "*", "subscribe", "revoke/secret/#", "deny");
            await().atMost(WAIT).until(() -> subscribeRefused(second, "revoke/secret/#"));
            pub.publish("revoke/secret/a", "while-denied", 1, false);
            pub.publish("revoke/open", "open-while-denied", 1, false);
            await().atMost(WAIT).until(() -> overlapping.hasPayload("open-while-denied"));
            assertThat(covered.payloads()).doesNotContain("while-denied");
            assertThat(overlapping.payloads()).doesNotContain("while-denied");

            // Lifting the rule brings the overlapping subscription's topics back; the covered one was removed.
            delete(first, "/v1/acls/revoke-secret");
            await().atMost(WAIT).until(() -> !subscribeRefused(second, "revoke/secret/#"));
            pub.publish("revoke/secret/a", "after-lifted", 1, false);
            pub.publish("revoke/secret/b", "after-lifted-2", 1, false);
            await().atMost(WAIT).until(() -> overlapping.hasPayload("after-lifted-2"));
            assertThat(covered.payloads()).containsExactly("before");
            assertThat(covered.client.getState().isConnected())
                    .as("no server-side UNSUBSCRIBE in MQTT: the connection stays")
                    .isTrue();
        }
    }

    /** Whether bob's SUBSCRIBE to {@code filter} on {@code node} is refused with 0x87. */
    private static boolean subscribeRefused(BrokerNode node, String filter) {
        try (V5Client probe = V5Client.connectAs(node, "probe-" + System.nanoTime(), true, 0, "bob", "bob-pw")) {
            Mqtt5SubAckException refused = catchThrowableOfType(
                    Mqtt5SubAckException.class,
                    () -> probe.client.subscribeWith().topicFilter(filter).send());
            return refused != null
                    && refused.getMqttMessage().getReasonCodes().equals(List.of(Mqtt5SubAckReasonCode.NOT_AUTHORIZED));
        }
    }

    private static void delete(BrokerNode node, String path) throws Exception {
        var response = AclIT.HTTP.send(
                io.tributary.mqtt.testing.TestBroker.adminRequest(node, path)
                        .DELETE()
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 204);
    }
}
