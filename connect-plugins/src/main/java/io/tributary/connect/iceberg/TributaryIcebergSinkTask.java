/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.iceberg;

import io.tributary.connect.PluginVersion;
import io.tributary.iceberg.IcebergSinkConfig;
import io.tributary.iceberg.SinkInput;
import io.tributary.iceberg.sink.FailureText;
import io.tributary.iceberg.sink.IcebergSink;
import io.tributary.iceberg.sink.SinkOpening;
import io.tributary.iceberg.table.MissingBucketException;
import io.tributary.iceberg.write.KafkaPartition;
import io.tributary.record.MalformedMqttRecordException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thin shell around {@link IcebergSink}: translates Connect records, seeks where the sink says, sends
 * rejected records to the dead-letter queue and reports only the offsets the sink calls safe.
 */
public final class TributaryIcebergSinkTask extends SinkTask {
    /** Set by the connector: the task's index, which names its writer in snapshot summaries. */
    static final String TASK_INDEX = "tributary.task.index";

    private static final Logger LOG = LoggerFactory.getLogger(TributaryIcebergSinkTask.class);
    /** Pause after a failure the task rides out (catalog or store unreachable) before reading again. */
    private static final long RETRY_BACKOFF_MS = 1_000;

    private IcebergSinkConfig config;
    private IcebergSink sink;
    private IcebergTaskMetrics metrics;
    private ErrantRecordReporter deadLetters;

    @Override
    public String version() {
        return PluginVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new IcebergSinkConfig(props);
        String connector = props.getOrDefault("name", "tributary-iceberg");
        String writer = connector + "-task-" + props.getOrDefault(TASK_INDEX, "0");
        try {
            sink = SinkOpening.open(
                    () -> new IcebergSink(config, connector, writer, Clock.systemUTC()),
                    config.getString(IcebergSinkConfig.CATALOG_URI_CONFIG),
                    config.catalogOpenTimeout());
        } catch (RuntimeException e) { // a missing bucket, or the catalog unreachable for the whole timeout
            throw new ConnectException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while opening the Iceberg catalog", e);
        }
        // Only with errors.tolerance=all may a bad record be skipped; otherwise the task stops on it.
        deadLetters = "all".equals(props.get("errors.tolerance")) ? context.errantRecordReporter() : null;
        metrics = new IcebergTaskMetrics(context.pluginMetrics(), sink.metrics());
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        // Connect does not tell a task its committed offsets: the sink checks the first record delivered instead.
        Map<KafkaPartition, Long> seek = sink.open(partitions(partitions), Map.of());
        seek(seek);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        List<SinkRecord> batch = records instanceof List<SinkRecord> list ? list : new ArrayList<>(records);
        for (int i = 0; i < batch.size(); i++) {
            SinkRecord record = batch.get(i);
            try {
                write(record);
            } catch (ConnectException e) {
                throw e;
            } catch (RuntimeException e) {
                failOrRetry(e, batch.subList(i, batch.size()));
                return;
            }
        }
        seek(sink.takeRewinds());
        commitDue();
    }

    private void write(SinkRecord record) {
        SinkInput input;
        try {
            input = SinkInputTranslator.toSinkInput(record);
        } catch (MalformedMqttRecordException e) {
            KafkaPartition partition = new KafkaPartition(record.originalTopic(), record.originalKafkaPartition());
            sink.reject(partition, record.originalKafkaOffset(), e.getMessage(), reason -> reject(record, reason));
            return;
        }
        sink.put(input, reason -> reject(record, reason));
    }

    private void reject(SinkRecord record, String reason) {
        String message = "record " + SinkInputTranslator.describe(record) + " cannot be written: " + reason;
        if (deadLetters == null) {
            throw new ConnectException(message + " (set errors.tolerance=all and "
                    + "errors.deadletterqueue.topic.name to route such records to a dead-letter queue)");
        }
        LOG.warn("Sending to the dead-letter queue: {}", message);
        deadLetters.report(record, new DataException(message));
    }

    /**
     * A table could not be reached, created or written. Fatal failures stop the task; for the others every
     * partition is re-read from its first record not yet handled (or from where an aborted writer dropped its
     * rows), after a pause. Not a RetriableException: Connect would deliver the same batch again, but a writer
     * that dropped its rows needs older records first.
     */
    private void failOrRetry(RuntimeException failure, List<SinkRecord> unhandled) {
        ConnectException fatal = fatal(failure);
        if (fatal != null) {
            throw fatal;
        }
        Map<KafkaPartition, Long> seek = new HashMap<>(sink.takeRewinds());
        for (SinkRecord record : unhandled) {
            seek.merge(
                    new KafkaPartition(record.originalTopic(), record.originalKafkaPartition()),
                    record.originalKafkaOffset(),
                    Math::min);
        }
        LOG.warn(
                "Writing to Iceberg failed, reading again from {} in {} ms: {}",
                seek,
                RETRY_BACKOFF_MS,
                FailureText.oneLine(failure));
        LOG.debug("Writing to Iceberg failed", failure);
        seek(seek);
        try {
            Thread.sleep(RETRY_BACKOFF_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Failures no retry can fix: a missing bucket or table, a configuration the table refuses. */
    private ConnectException fatal(RuntimeException failure) {
        MissingBucketException bucket = MissingBucketException.in(
                        failure, config.getString(IcebergSinkConfig.CATALOG_WAREHOUSE_CONFIG))
                .orElse(null);
        if (bucket != null) {
            return new ConnectException(bucket.getMessage(), failure);
        }
        if (failure instanceof NoSuchTableException
                || failure instanceof ValidationException
                || failure instanceof IllegalArgumentException
                || failure instanceof ConfigException) {
            return new ConnectException(
                    failure.getMessage() + " (check the connector's iceberg.* settings and the table)", failure);
        }
        return null;
    }

    private void commitDue() {
        try {
            sink.commitDue();
        } catch (RuntimeException e) {
            ConnectException fatal = fatal(e);
            if (fatal != null) {
                throw fatal;
            }
            // The sink logged one line per table; the stack trace is for debugging only.
            LOG.debug("Committing to Iceberg failed; the next commit interval tries again", e);
        }
        // A table whose files could not be closed, or that was dropped, is read again from its last commit.
        seek(sink.takeRewinds());
        metrics.tablesCommitted();
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        commitDue();
        Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>();
        sink.safeOffsets().forEach((partition, offset) -> {
            TopicPartition topicPartition = new TopicPartition(partition.topic(), partition.partition());
            if (currentOffsets.containsKey(topicPartition)) {
                safe.put(topicPartition, new OffsetAndMetadata(offset));
            }
        });
        return safe;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        seek(sink.close(partitions(partitions)));
        metrics.tablesCommitted();
    }

    @Override
    public void stop() {
        if (metrics != null) {
            metrics.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    private void seek(Map<KafkaPartition, Long> positions) {
        if (positions.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        positions.forEach((partition, offset) ->
                offsets.put(new TopicPartition(partition.topic(), partition.partition()), offset));
        context.offset(offsets);
        LOG.info("Seeking to {}", offsets);
    }

    private static List<KafkaPartition> partitions(Collection<TopicPartition> partitions) {
        return partitions.stream()
                .map(partition -> new KafkaPartition(partition.topic(), partition.partition()))
                .toList();
    }
}
