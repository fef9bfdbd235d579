/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BacklogAndFanOutReportTest {

    private static final long SECOND = 1_000_000_000L;

    private static RunSummary run(BacklogResult backlog, FanOutResult fanOut) {
        final Map<String, Object> config = new LinkedHashMap<>();
        config.put("size_bytes", 64);
        config.put("cores", 2);
        return new RunSummary("r", config, null, List.of(), null, 0.5, 20.0, Map.of(), backlog, fanOut);
    }

    @Test
    void backlogDrainRateRunsFromTheReconnectToTheLastArrival() {
        // 100,000 queued in 4 s, all drained 2 s after the reconnect.
        final BacklogResult backlog =
                new BacklogResult(PhaseStatus.COMPLETED, "", 64, 100_000, 100_000, 4 * SECOND, 2 * SECOND);
        assertEquals(50_000.0, backlog.drainRate(), 1e-6);
        assertEquals(25_000.0, backlog.fillRate(), 1e-6);
        assertEquals(0, backlog.missing());
        final String text = SummaryReport.text(run(backlog, null));
        assertTrue(text.contains("drained 100,000 in 2.00 s after its reconnect: 50,000 msg/s"), text);
        final String json = SummaryReport.summaryLine(run(backlog, null));
        assertTrue(json.contains("\"backlog\":{\"status\":\"completed\""), json);
        assertTrue(json.contains("\"drain_msgs_per_sec\":50000.000"), json);
        assertFalse(json.contains("\"fanout\""), json);
    }

    @Test
    void fanOutCountsEveryDeliveryToEverySubscriber() {
        // 1,000 messages to 1,000 subscribers, 990,000 of the 1,000,000 deliveries in 10 s.
        final FanOutResult fanOut = new FanOutResult(
                PhaseStatus.COMPLETED, "", 1, 64, 1_000, 1_000, 990_000, SECOND, 10 * SECOND, 3 * SECOND);
        assertEquals(1_000_000, fanOut.expected());
        assertEquals(99_000.0, fanOut.deliveredRate(), 1e-6);
        assertEquals(0.99, fanOut.deliveredFraction(), 1e-12);
        final String text = SummaryReport.text(run(null, fanOut));
        assertTrue(text.contains("delivered 990,000 of 1,000,000: 99,000 msg/s over all subscribers"), text);
        assertTrue(SummaryReport.summaryLine(run(null, fanOut)).contains("\"delivered_msgs_per_sec\":99000.000"));
    }

    @Test
    void aBacklogOrFanOutThatDidNotCompleteFailsTheRun() {
        assertEquals(1, LoadTool.exitCode(run(BacklogResult.failed("no session", 64), null)));
        assertEquals(1, LoadTool.exitCode(run(null, FanOutResult.skipped("broker down"))));
        assertEquals(0, LoadTool.exitCode(run(null, null)));
    }

    @Test
    void allKeepsItsThreePhasesAndTheNewOnesAreChosenByName() {
        final LoadTool all = new LoadTool();
        new CommandLine(all).parseArgs();
        assertTrue(all.runs(LoadTool.Only.baseline) && all.runs(LoadTool.Only.throughput));
        assertTrue(all.runs(LoadTool.Only.latency));
        assertFalse(all.runs(LoadTool.Only.backlog) || all.runs(LoadTool.Only.fanout));
        final LoadTool chosen = new LoadTool();
        new CommandLine(chosen).parseArgs("--only", "backlog,fanout");
        assertTrue(chosen.runs(LoadTool.Only.backlog) && chosen.runs(LoadTool.Only.fanout));
        assertFalse(chosen.runs(LoadTool.Only.baseline) || chosen.runs(LoadTool.Only.latency));
    }
}
