/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    private final LatencyHistogram histogram =
            new LatencyHistogram("test_latency_seconds", "a test", new double[] {1, 10, 100});

    @Test
    void eachLatencyFallsInTheFirstBucketWhoseBoundIsNotBelowIt() {
        histogram.record(TimeUnit.MICROSECONDS.toNanos(500)); // le 1 ms
        histogram.record(TimeUnit.MILLISECONDS.toNanos(1)); // le 1 ms: the bound is inclusive, as in Prometheus
        histogram.record(TimeUnit.MILLISECONDS.toNanos(7)); // le 10 ms
        histogram.record(TimeUnit.SECONDS.toNanos(3)); // +Inf
        histogram.record(-5); // a clock behind: 0, le 1 ms

        HistogramSnapshot.HistogramDataPointSnapshot point = snapshot();
        var buckets = point.getClassicBuckets();
        assertThat(buckets.size()).isEqualTo(4);
        assertThat(buckets.getUpperBound(0)).isEqualTo(0.001);
        assertThat(buckets.getUpperBound(3)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(new long[] {buckets.getCount(0), buckets.getCount(1), buckets.getCount(2), buckets.getCount(3)})
                .containsExactly(3, 1, 0, 1);
        assertThat(point.getCount()).isEqualTo(5);
        assertThat(point.getSum()).isCloseTo(3.0085, org.assertj.core.data.Offset.offset(1e-9));
        assertThat((Object) point.getLabels()).isEqualTo(Labels.of("node", "n1"));
        assertThat(histogram.count()).isEqualTo(5);
    }

    private HistogramSnapshot.HistogramDataPointSnapshot snapshot() {
        HistogramSnapshot s =
                (HistogramSnapshot) histogram.collector(Labels.of("node", "n1")).collect();
        assertThat(s.getMetadata().getPrometheusName()).isEqualTo("test_latency_seconds");
        return s.getDataPoints().get(0);
    }
}
