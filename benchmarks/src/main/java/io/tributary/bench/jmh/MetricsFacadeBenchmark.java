/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench.jmh;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tributary.mqtt.metrics.BrokerMetrics;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the metrics add to one QoS 1 message through a node: the counts and timings of its PUBLISH, its Kafka
 * acknowledgement, its dispatch and its delivery, on the Prometheus registry a node serves against the no-op
 * meters of {@code metrics.enabled=false}, in the same run, from two threads (the event loops of two cores).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(2)
public class MetricsFacadeBenchmark {

    private final BrokerMetrics enabled = BrokerMetrics.create(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    private final BrokerMetrics disabled = BrokerMetrics.disabled();

    private static long oneMessage(BrokerMetrics m) {
        long received = System.nanoTime();
        m.publishReceived(1, 256);
        m.kafkaAcknowledged(received, false);
        m.dispatched(System.currentTimeMillis() - 3);
        m.publishSent(1, 256);
        return received;
    }

    @Benchmark
    public long metricsOn() {
        return oneMessage(enabled);
    }

    @Benchmark
    public long metricsOff() {
        return oneMessage(disabled);
    }
}
