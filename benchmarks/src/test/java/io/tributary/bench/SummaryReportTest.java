/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryReportTest {

    private static final long SECOND = 1_000_000_000L;

    private static Map<String, Object> config() {
        final Map<String, Object> config = new LinkedHashMap<>();
        config.put("linger_ms", 5);
        config.put("kafka_topic", "mqtt.messages");
        config.put("publishers", 4);
        config.put("size_bytes", 256);
        config.put("rate", 5000L);
        config.put("duration_s", 20);
        config.put("warmup_s", 5);
        config.put("cores", 2);
        return config;
    }

    private static RunSummary run(BaselineResult baseline, LatencySummary fromSend) {
        final ThroughputResult qos0 = new ThroughputResult(
                0, PhaseStatus.COMPLETED, "", 256, 200_000, 200_000, 0, 190_000, 2 * SECOND, 2 * SECOND);
        // 60,000 msg/s ingest against a 100,000 records/s baseline: ratio 0.6.
        final ThroughputResult qos1 = new ThroughputResult(
                1, PhaseStatus.COMPLETED, "", 256, 120_000, 120_000, 0, 120_000, 2 * SECOND, 3 * SECOND);
        final LatencyResult latency = new LatencyResult(
                PhaseStatus.COMPLETED, "", 1, 5_000, 100_000, 100_000, 20 * SECOND, 300_000, fromSend, fromSend);
        final Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put("qos1", 1.25);
        return new RunSummary("r1", config(), baseline, List.of(qos0, qos1), latency, 0.5, 20.0, cpu);
    }

    private static BaselineResult baseline() {
        return new BaselineResult(PhaseStatus.COMPLETED, "", 256, 200_000, 200_000, 0, 2 * SECOND);
    }

    @Test
    void ratesAndFractionsAreDerivedFromCountsAndTime() {
        final RunSummary summary = run(baseline(), new LatencySummary(10, 1, 5, 9, 12));
        assertEquals(100_000.0, summary.baseline().recordsPerSecond(), 1e-6);
        assertEquals(100_000.0 * 256 / (1024 * 1024), summary.baseline().megabytesPerSecond(), 1e-9);
        assertEquals(0.95, summary.throughputAt(0).orElseThrow().deliveredFraction(), 1e-12);
        assertEquals(40_000.0, summary.throughputAt(1).orElseThrow().deliveredRate(), 1e-6);
        assertEquals(0.6, summary.qos1IngestRatio().orElseThrow(), 1e-12);
        assertTrue(summary.ingestRatioMet().orElseThrow());
        assertTrue(summary.p99Met().orElseThrow());
    }

    @Test
    void textReportStatesFiguresAndVerdicts() {
        final String text = SummaryReport.text(run(baseline(), new LatencySummary(10, 1, 25, 30, 40)));
        assertTrue(text.contains("200,000 records acked in 2.00 s: 100,000 records/s, 24.4 MB/s"), text);
        assertTrue(text.contains("published 120,000 of 120,000: 60,000 msg/s"), text);
        assertTrue(text.contains("delivered 190,000: 95,000 msg/s, 95.00 % of published"), text);
        assertTrue(text.contains("ingest / Kafka baseline: 0.60 (target >= 0.50: MET)"), text);
        assertTrue(text.contains("p99 < 20 ms: MISSED"), text);
        assertTrue(text.contains("[4] End-to-end latency, QoS 1 at 5000 msg/s for 20 s after a 5 s"), text);
        assertTrue(text.contains("[2] MQTT QoS 0 publish -> subscribe (4 publishers, 256 B payload)"), text);
        assertTrue(text.contains("load tool itself used 1.25 of 2 cores"), text);
        assertTrue(text.contains("    from send           1.000    25.000    30.000    40.000"), text);
    }

    @Test
    void skippedBaselineIsExplainedAndLeavesTheRatioUnmeasured() {
        final RunSummary summary = run(
                BaselineResult.skipped("Kafka at 127.0.0.1:9092 unreachable (no answer within 5000 ms)"),
                LatencySummary.empty());
        assertTrue(summary.qos1IngestRatio().isEmpty());
        final String text = SummaryReport.text(summary);
        assertTrue(text.contains("baseline skipped: Kafka at 127.0.0.1:9092 unreachable"), text);
        assertTrue(text.contains("target >= 0.50: not measured"), text);
        assertTrue(text.contains("p99 < 20 ms: not measured"), text);
        final String line = SummaryReport.summaryLine(summary);
        assertTrue(line.startsWith("SUMMARY {\"tool\":\"tributary-load\",\"run_id\":\"r1\""), line);
        assertTrue(line.contains("\"qos1_ingest_ratio\":null"), line);
        assertTrue(line.contains("\"baseline\":{\"status\":\"skipped\""), line);
        assertFalse(line.contains("\n"), "the summary must be one line");
    }

    @Test
    void jsonEscapesStringsAndHasNoNonFiniteNumbers() {
        final Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("note", "a \"quoted\"\\path\nnext\u0001");
        tree.put("nan", Double.NaN);
        tree.put("rate", 1234.56789);
        tree.put("count", 7L);
        tree.put("list", List.of(1, true));
        tree.put("none", null);
        assertEquals(
                "{\"note\":\"a \\\"quoted\\\"\\\\path\\nnext\\u0001\",\"nan\":null,"
                        + "\"rate\":1234.568,\"count\":7,\"list\":[1,true],\"none\":null}",
                Json.write(tree));
    }

    @Test
    void exitCodeIsZeroOnlyWhenEveryPhaseCompleted() {
        final RunSummary ok = run(BaselineResult.skipped("no kafka"), LatencySummary.empty());
        assertEquals(0, LoadTool.exitCode(ok));
        final RunSummary timedOut = new RunSummary(
                "r",
                config(),
                null,
                List.of(new ThroughputResult(1, PhaseStatus.TIMED_OUT, "t", 256, 10, 5, 0, 5, 1, 1)),
                null,
                0.5,
                20.0,
                Map.of());
        assertEquals(1, LoadTool.exitCode(timedOut));
    }

    @Test
    void cpuCoresIsCpuTimeOverWallTime() {
        assertEquals(1.5, CpuMeter.cores(3 * SECOND, 2 * SECOND), 1e-12);
        assertTrue(Double.isNaN(CpuMeter.cores(1, 0)));
    }
}
