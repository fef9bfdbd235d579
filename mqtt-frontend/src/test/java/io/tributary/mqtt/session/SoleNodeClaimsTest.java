/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.embedded.EmbeddedChannel;
import io.tributary.mqtt.delivery.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SoleNodeClaimsTest {

    private final SoleNodeClaims sole = new SoleNodeClaims("n1");

    @Test
    void claimsAreReadBackUntilARebalanceShowedThisNodeAlone() {
        assertThat(sole.decideAlone()).isNull();
        sole.members(Set.of("n1", "n2"));
        assertThat(sole.decideAlone()).isNull();
        sole.members(null); // the members could not be listed
        assertThat(sole.decideAlone()).isNull();
        sole.members(Set.of("n1"));
        assertThat(sole.decideAlone()).isNotNull();
        assertThat(sole.alone()).isTrue();
    }

    @Test
    void claimsWaitForTheFirstJoinOfTheGroup() {
        assertThat(sole.membershipKnown()).isDone(); // a node without liveness
        sole.expectMembership(60_000);
        CompletableFuture<Void> joined = sole.membershipKnown();
        assertThat(joined).isNotDone();
        sole.members(Set.of("n1", "n2"));
        assertThat(joined).isDone();
    }

    @Test
    void aJoinThatNeverCompletesHoldsClaimsOnlyUntilTheTimeout() {
        sole.expectMembership(50);
        await().atMost(Duration.ofSeconds(5)).until(() -> sole.membershipKnown().isDone());
    }

    @Test
    void aRebalanceStopsLocalDecisionsAndWaitsForTheRecordsWrittenWithoutReadBack() throws Exception {
        sole.members(Set.of("n1"));
        CompletableFuture<Void> written = sole.decideAlone();
        assertThat(written).isNotNull();
        CompletableFuture<Void> rebalanced = CompletableFuture.runAsync(() -> sole.rebalancing(30_000));
        await().atMost(Duration.ofSeconds(5)).until(() -> !sole.alone());
        assertThat(sole.decideAlone()).isNull(); // a claim during the rebalance is read back
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> !rebalanced.isDone());
        written.complete(null);
        rebalanced.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aRebalanceWaitsForAnUncommittedRecordOnlyUntilItsTimeout() throws Exception {
        sole.members(Set.of("n1"));
        assertThat(sole.decideAlone()).isNotNull(); // never completed
        CompletableFuture.runAsync(() -> sole.rebalancing(100)).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aCleanSessionsRecordWaitsUntilARebalanceWritesIt() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ClientSession session = new ClientSession(
                "c1", 5, channel, new Outbox(10, 10, new AtomicLong(), Clock.systemUTC()), 1, 0, null);
        List<ClientSession> recorded = new CopyOnWriteArrayList<>();
        sole.recordWith(s -> {
            recorded.add(s);
            return CompletableFuture.completedFuture(null);
        });
        assertThat(sole.deferRecord(session)).isFalse(); // not alone: written at once
        sole.members(Set.of("n1"));
        assertThat(sole.deferRecord(session)).isTrue();
        assertThat(sole.unrecorded()).containsExactly(session);

        CompletableFuture<Void> rebalanced = CompletableFuture.runAsync(() -> sole.rebalancing(30_000));
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            channel.runPendingTasks(); // the record is written on the session's event loop
            return rebalanced.isDone();
        });
        assertThat(recorded).containsExactly(session);
        assertThat(sole.ended(session)).isFalse(); // recorded: its end writes the tombstone
    }

    @Test
    void aCleanSessionThatEndsAloneLeavesNothingToWrite() {
        ClientSession session = new ClientSession(
                "c2", 5, new EmbeddedChannel(), new Outbox(10, 10, new AtomicLong(), Clock.systemUTC()), 1, 0, null);
        sole.members(Set.of("n1"));
        assertThat(sole.deferRecord(session)).isTrue();
        assertThat(sole.ended(session)).isTrue();
        assertThat(sole.unrecorded()).isEmpty();
    }
}
