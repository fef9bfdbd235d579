/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The outage's log lines and the probe's reason, on a clock the test moves. */
class KafkaReachabilityTest {

    private long now = 1_000_000_000L;
    private final List<String> warnings = new ArrayList<>();
    private final List<String> infos = new ArrayList<>();
    private final KafkaReachability kafka =
            new KafkaReachability("127.0.0.1:9092", warnings::add, infos::add, () -> now, Duration.ofSeconds(30));

    private void after(long seconds) {
        now += TimeUnit.SECONDS.toNanos(seconds);
    }

    @Test
    void anOutageOfTwentySecondsIsOneLineDownAndOneLineBack() {
        kafka.observe(null);
        assertThat(kafka.failure()).isNull();
        for (int s = 0; s < 20; s += 2) {
            kafka.observe("TimeoutException: Timed out waiting for a node assignment");
            after(2);
        }
        assertThat(warnings)
                .singleElement()
                .asString()
                .contains("Kafka at 127.0.0.1:9092 is unreachable (TimeoutException")
                .contains("/health/ready");
        assertThat(kafka.failure()).startsWith("unreachable for 20 s: TimeoutException");

        kafka.observe(null);
        assertThat(infos)
                .containsExactly(
                        "Kafka at 127.0.0.1:9092 is reachable again after 20 s; " + "publishes are acknowledged again");
        assertThat(kafka.failure()).isNull();
        assertThat(warnings).hasSize(1);
    }

    @Test
    void aLongOutageIsRemindedEveryThirtySeconds() {
        for (int s = 0; s <= 95; s += 2) {
            kafka.observe("no answer within 3 s");
            after(2);
        }
        assertThat(warnings).hasSize(4); // at the second failed check (2 s), then at 32, 62 and 92 s
        assertThat(warnings.get(1)).contains("still unreachable after 32 s (no answer within 3 s)");
        assertThat(warnings.get(3)).contains("still unreachable after 1 min 32 s");
        assertThat(infos).isEmpty();
    }

    @Test
    void oneSlowAnswerIsNotAnOutage() {
        kafka.observe(null);
        after(2);
        kafka.observe("no answer within 4 s");
        assertThat(kafka.failure()).isNull();
        after(2);
        kafka.observe(null);
        after(2);
        kafka.observe("no answer within 4 s");
        assertThat(kafka.failure()).isNull();
        assertThat(warnings).isEmpty();
        assertThat(infos).isEmpty();
    }

    @Test
    void steadyReachabilityLogsNothing() {
        for (int i = 0; i < 10; i++) {
            kafka.observe(null);
            after(2);
        }
        assertThat(warnings).isEmpty();
        assertThat(infos).isEmpty();
    }
}
