/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.mqtt.config.MappingRule;
import io.tributary.mqtt.routing.TopicRouter;
import io.tributary.mqtt.topic.TopicFilter;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Which topics the live reader reads, as subscriptions come and go, and when a subscription may be acknowledged. */
class ReaderDemandTest {

    private static final Set<String> ALL = Set.of("msgs", "plant");

    private final TopicRouter router = new TopicRouter(
            "msgs", List.of(new MappingRule("plant", TopicFilter.parse("plant/#"), "plant", "{topic}", null)));
    private final ReaderDemand demand = new ReaderDemand(router, Duration.ofSeconds(30));

    private static TopicFilter f(String text) {
        return TopicFilter.parse(text);
    }

    /** One reader turn that carries its plan out. */
    private ReaderDemand.Plan turn() {
        ReaderDemand.Plan plan = demand.plan(ALL);
        demand.resumed(plan.resume());
        return plan;
    }

    /** One turn as the reader takes it: it reports only what it resumed, and nothing when it resumed nothing. */
    private ReaderDemand.Plan readerTurn() {
        ReaderDemand.Plan plan = demand.plan(ALL);
        if (!plan.resume().isEmpty()) {
            demand.resumed(plan.resume());
        }
        return plan;
    }

    @Test
    void rulesChangingAgainBeforeTheReaderPausedAnythingGoAheadAtOnce() {
        CompletableFuture<Void> first = demand.readEverything(ALL);
        assertThat(readerTurn().resume()).isEqualTo(ALL);
        assertThat(first).isCompleted();
        demand.rulesChanged();

        // A second rule change before the reader's next turn: every topic is still read.
        CompletableFuture<Void> second = demand.readEverything(ALL);
        assertThat(second)
                .as("no turn resumes anything now, so nothing else would complete it (it timed out after 60 s)")
                .isCompleted();
        assertThat(readerTurn()).isEqualTo(new ReaderDemand.Plan(Set.of(), Set.of()));
    }

    @Test
    void aWaitForATopicWhoseShardsAreAdoptedCompletesThen() {
        demand.add(f("plant/#"));
        CompletableFuture<Void> ready = demand.ready(f("plant/#"));
        demand.adopted("msgs");
        assertThat(ready).isNotDone();
        demand.adopted("plant");
        assertThat(ready).isCompleted();
    }

    @Test
    void nothingIsReadWithoutSubscriptions() {
        assertThat(turn()).isEqualTo(new ReaderDemand.Plan(Set.of(), Set.of()));
        assertThat(demand.reading()).isEmpty();
    }

    @Test
    void aSubscriptionWaitsUntilItsTopicsAreReadAndOnlyThoseAreRead() {
        demand.add(f("home/#"));
        CompletableFuture<Void> ready = demand.ready(f("home/#"));
        assertThat(ready).isNotDone();
        assertThat(turn().resume()).containsExactly("msgs");
        assertThat(ready).isCompleted();

        demand.add(f("plant/+/temp"));
        CompletableFuture<Void> plant = demand.ready(f("plant/+/temp"));
        assertThat(turn().resume()).containsExactly("plant");
        assertThat(plant).isCompleted();
        assertThat(demand.reading()).isEqualTo(ALL);
    }

    @Test
    void aTopicIsPausedWhenItsLastSubscriptionGoes() {
        demand.add(f("plant/#"));
        demand.add(f("plant/#")); // a second session with the same filter
        turn();
        demand.remove(f("plant/#"));
        assertThat(turn().pause()).isEmpty();
        demand.remove(f("plant/#"));
        assertThat(turn().pause()).containsExactlyInAnyOrder("msgs", "plant");
        assertThat(demand.wanted("plant")).isFalse();
    }

    @Test
    void aTopicBeingPausedIsNotTakenAsRead() {
        demand.add(f("a/b"));
        turn();
        demand.remove(f("a/b"));
        ReaderDemand.Plan pausing = demand.plan(ALL); // the reader is about to pause "msgs"
        assertThat(pausing.pause()).containsExactly("msgs");
        demand.add(f("a/b"));
        CompletableFuture<Void> ready = demand.ready(f("a/b"));
        assertThat(ready)
                .as("the pause was decided before the subscription counted")
                .isNotDone();
        assertThat(demand.takeChanged()).isTrue();
        assertThat(turn().resume()).containsExactly("msgs");
        assertThat(ready).isCompleted();
    }

    @Test
    void systemTopicsNeedNoKafkaTopic() {
        demand.add(f("$SYS/#"));
        assertThat(demand.ready(f("$SYS/#"))).isCompleted();
        assertThat(turn().resume()).isEmpty();
    }

    @Test
    void whileRulesChangeEveryTopicIsRead() {
        CompletableFuture<Void> all = demand.readEverything(ALL);
        assertThat(turn().resume()).isEqualTo(ALL);
        assertThat(all).isCompleted();
        demand.rulesChanged();
        assertThat(turn().pause()).isEqualTo(ALL);
    }

    @Test
    void aRuleWithAnMqttTopicTemplateIsReadForEverySubscription() {
        TopicRouter templated = new TopicRouter(
                "msgs", List.of(new MappingRule("t", TopicFilter.parse("t/#"), "t", "{topic}", "t/{key}")));
        assertThat(templated.kafkaTopicsFor(f("x/y").levels())).containsExactlyInAnyOrder("msgs", "t");
        assertThat(router.kafkaTopicsFor(f("x/y").levels())).containsExactly("msgs");
        assertThat(router.kafkaTopicsFor(f("+/line1").levels())).containsExactlyInAnyOrder("msgs", "plant");
        assertThat(router.kafkaTopicsFor(f("#").levels())).containsExactlyInAnyOrder("msgs", "plant");
    }
}
