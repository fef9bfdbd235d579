/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.bench;

/** Raw KafkaProducer throughput: the ceiling the MQTT ingest path is compared against. */
public record BaselineResult(
        PhaseStatus status, String note, int sizeBytes, long planned, long acked, long failed, long elapsedNanos) {

    public static BaselineResult skipped(String why) {
        return new BaselineResult(PhaseStatus.SKIPPED, why, 0, 0, 0, 0, 0);
    }

    public double recordsPerSecond() {
        return Rates.perSecond(acked, elapsedNanos);
    }

    public double megabytesPerSecond() {
        return Rates.megabytesPerSecond(acked, sizeBytes, elapsedNanos);
    }

    /** Only a completed run is a fair yardstick; a partial one would flatter the MQTT ratio. */
    public boolean usableAsBaseline() {
        return status == PhaseStatus.COMPLETED && acked > 0;
    }
}
