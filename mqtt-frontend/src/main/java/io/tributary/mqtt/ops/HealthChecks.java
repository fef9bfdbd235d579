/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The named checks behind {@code /health/ready}: the node is ready when every check passes. A check answers null
 * when it passes and a short reason when it does not (e.g. {@code kafka}: "unreachable for 12 s: connection
 * refused"). Checks are evaluated on the ops listener's thread when a probe asks, so each must be cheap: it reads
 * a state another thread keeps up to date, it never calls Kafka.
 */
public final class HealthChecks {

    /** One check: its name in the JSON body and the reason it fails now, or null while it passes. */
    public record Check(String name, Supplier<@Nullable String> failure) {}

    /** The outcome of one check. */
    public record Result(String name, @Nullable String failure) {
        public boolean passed() {
            return failure == null;
        }
    }

    private final List<Check> checks = new CopyOnWriteArrayList<>();

    /** Adds a check; {@code failure} answers null while it passes. */
    public HealthChecks add(String name, Supplier<@Nullable String> failure) {
        checks.add(new Check(name, failure));
        return this;
    }

    /** Every check's outcome now, in the order they were added. */
    public List<Result> evaluate() {
        List<Result> out = new ArrayList<>();
        for (Check c : checks) {
            String failure;
            try {
                failure = c.failure().get();
            } catch (RuntimeException e) {
                failure = "check failed: " + e;
            }
            out.add(new Result(c.name(), failure));
        }
        return out;
    }

    /** Whether every check passes now. */
    public boolean ready() {
        return evaluate().stream().allMatch(Result::passed);
    }

    /**
     * The JSON body of a probe: {@code {"status":"UP"|"DOWN","failing":[names],"checks":{name:{"status":..,
     * "reason":..}}}}, checks in order.
     */
    static Map<String, Object> body(List<Result> results) {
        Map<String, Object> checks = new LinkedHashMap<>();
        List<String> failing = new ArrayList<>();
        for (Result r : results) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("status", r.passed() ? "UP" : "DOWN");
            if (!r.passed()) {
                one.put("reason", r.failure());
                failing.add(r.name());
            }
            checks.put(r.name(), one);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", failing.isEmpty() ? "UP" : "DOWN");
        body.put("failing", failing);
        body.put("checks", checks);
        return body;
    }
}
