/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The snapshot summary properties through which a commit records the Kafka offsets it covers.
 *
 * <p>{@code tributary.offsets.<connector>} holds, as JSON, the next offset to read for every Kafka
 * partition whose records this snapshot added: {@code {"sensors-0":124,"sensors-1":88}}. A snapshot
 * only names the partitions its writer wrote, so writers of different partitions never overwrite
 * each other: {@link CommittedOffsets} takes, per partition, the newest snapshot that names it.
 * {@code tributary.commit-id} identifies the commit so a writer can tell, after an unknown commit
 * outcome, whether its snapshot landed; {@code tributary.writer} names the writer (the task).
 */
public final class OffsetsSummary {
    public static final String OFFSETS_KEY_PREFIX = "tributary.offsets.";
    public static final String COMMIT_ID_KEY = "tributary.commit-id";
    public static final String WRITER_KEY = "tributary.writer";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Long>> OFFSETS_TYPE = new TypeReference<>() {};

    private OffsetsSummary() {}

    /** The summary key holding the offsets of one connector (several connectors may feed a table). */
    public static String offsetsKey(String connectorName) {
        return OFFSETS_KEY_PREFIX + connectorName;
    }

    static String encode(Map<KafkaPartition, Long> nextOffsets) {
        Map<String, Long> byName = new TreeMap<>();
        nextOffsets.forEach((partition, offset) -> byName.put(partition.toString(), offset));
        try {
            return JSON.writeValueAsString(byName);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<KafkaPartition, Long> decode(String json) {
        Map<String, Long> byName;
        try {
            byName = JSON.readValue(json, OFFSETS_TYPE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable Kafka offsets in the snapshot summary: " + json, e);
        }
        Map<KafkaPartition, Long> offsets = new LinkedHashMap<>();
        for (Map.Entry<String, Long> entry : byName.entrySet()) {
            try {
                offsets.put(KafkaPartition.parse(entry.getKey()), entry.getValue());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("Unreadable Kafka offsets in the snapshot summary: " + json, e);
            }
        }
        return offsets;
    }
}
