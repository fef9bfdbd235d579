/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthChecksTest {

    @Test
    void readyWhenEveryCheckPassesAndTheBodyNamesTheFailingOnes() {
        AtomicReference<String> kafka = new AtomicReference<>();
        HealthChecks checks = new HealthChecks()
                .add("shutdown", () -> null)
                .add("kafka", kafka::get)
                .add("listeners", () -> null);
        assertThat(checks.ready()).isTrue();
        assertThat(HealthChecks.body(checks.evaluate()))
                .containsEntry("status", "UP")
                .containsEntry("failing", List.of());

        kafka.set("unreachable for 4 s: connection refused");
        assertThat(checks.ready()).isFalse();
        Map<String, Object> body = HealthChecks.body(checks.evaluate());
        assertThat(body).containsEntry("status", "DOWN").containsEntry("failing", List.of("kafka"));
        assertThat(body.get("checks"))
                .asString()
                .contains("kafka={status=DOWN, reason=unreachable for 4 s: connection refused}")
                .contains("shutdown={status=UP}");
    }

    @Test
    void aCheckThatThrowsFailsWithItsException() {
        HealthChecks checks = new HealthChecks().add("broken", () -> {
            throw new IllegalStateException("boom");
        });
        assertThat(checks.evaluate()).singleElement().satisfies(r -> {
            assertThat(r.passed()).isFalse();
            assertThat(r.failure()).contains("boom");
        });
    }
}
