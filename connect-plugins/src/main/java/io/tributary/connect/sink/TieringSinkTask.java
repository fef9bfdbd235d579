/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.connect.sink;

import io.tributary.connect.PluginVersion;
import io.tributary.registry.RegistryUnavailableException;
import io.tributary.shard.format.BadRecordException;
import io.tributary.shard.record.MalformedShardRecordException;
import io.tributary.shard.storage.ShardStorage;
import io.tributary.shard.storage.StoreNotFoundException;
import io.tributary.shard.tiering.ShardId;
import io.tributary.shard.tiering.TieringConfig;
import io.tributary.shard.tiering.TieringMetrics;
import io.tributary.shard.tiering.TieringWriter;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink task over {@link TieringWriter}: Connect hands it records and asks what to commit; the store
 * is chosen by the subclass. Offsets returned from {@link #preCommit} only cover published files.
 */
public abstract class TieringSinkTask extends SinkTask {
    private static final Logger LOG = LoggerFactory.getLogger(TieringSinkTask.class);
    /** How long opening a shard waits for an unreachable store before the task gives up. */
    private static final int OPEN_ATTEMPTS = 6;

    private TieringConfig config;
    private TieringWriter writer;
    private TieringTaskMetrics metrics;
    private ErrantRecordReporter deadLetters;

    @Override
    public String version() {
        return PluginVersion.get();
    }

    /** Connects to the store; called once per task start. */
    protected abstract ShardStorage openStorage(Map<String, String> props) throws IOException;

    @Override
    public void start(Map<String, String> props) {
        config = new TieringConfig(props);
        ShardStorage storage;
        try {
            storage = openStorage(props);
        } catch (IOException e) {
            throw new ConnectException("cannot reach the store: " + e.getMessage(), e);
        }
        checkStoreExists(storage);
        writer = new TieringWriter(
                config.settings(props.getOrDefault("name", "tributary")),
                storage,
                new TieringMetrics(),
                System::currentTimeMillis);
        // Only with errors.tolerance=all may a bad record be skipped; otherwise the task stops on it.
        deadLetters = "all".equals(props.get("errors.tolerance")) ? context.errantRecordReporter() : null;
        metrics = new TieringTaskMetrics(context.pluginMetrics(), writer);
    }

    /** A missing store fails the task now; an unreachable one is retried later, as when writing. */
    private static void checkStoreExists(ShardStorage storage) {
        try {
            storage.checkExists();
        } catch (StoreNotFoundException e) {
            closeQuietly(storage);
            throw new ConnectException(e.getMessage(), e);
        } catch (IOException e) {
            LOG.warn("Could not check that the store exists; carrying on, writes will retry: {}", e.getMessage());
        }
    }

    private static void closeQuietly(ShardStorage storage) {
        try {
            storage.close();
        } catch (IOException e) {
            LOG.warn("Closing the store failed", e);
        }
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long position = openWithRetries(new ShardId(partition.topic(), partition.partition()));
            if (position >= 0) {
                positions.put(partition, position);
            }
        }
        // Storage, not the consumer group, is the truth: rewind (or skip ahead) to what it holds.
        context.offset(positions);
        LOG.info("Opened shards {} at storage positions {}", partitions, positions);
    }

    private long openWithRetries(ShardId shard) {
        for (int attempt = 1; ; attempt++) {
            try {
                return writer.open(shard);
            } catch (StoreNotFoundException e) {
                throw new ConnectException(e.getMessage(), e);
            } catch (IOException e) {
                if (attempt >= OPEN_ATTEMPTS) {
                    throw new ConnectException("cannot read the position of " + shard + " from storage", e);
                }
                LOG.warn(
                        "Reading the position of {} failed (attempt {}), retrying: {}", shard, attempt, e.getMessage());
                try {
                    Thread.sleep(Math.min(config.retryBackoffMs(), 10_000L));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new ConnectException("interrupted while opening " + shard, interrupted);
                }
            }
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        try {
            for (SinkRecord record : records) {
                try {
                    writer.write(SinkRecordTranslator.toShardRecord(record));
                } catch (BadRecordException | MalformedShardRecordException e) {
                    reject(record, e);
                }
            }
            writer.finishDueFiles();
        } catch (StoreNotFoundException e) {
            // Retrying cannot create the bucket: fail the task with a message that says what to fix.
            throw new ConnectException(e.getMessage(), e);
        } catch (IOException e) {
            // Connect redelivers this same batch after the back-off; records already taken are skipped.
            LOG.warn("Store unavailable, retrying in {} ms: {}", config.retryBackoffMs(), e.getMessage());
            context.timeout(config.retryBackoffMs());
            throw new RetriableException(e);
        } catch (RegistryUnavailableException e) {
            // Not a bad record: the record that needs a schema not seen yet is taken again after the back-off.
            LOG.warn("Schema registry unavailable, retrying in {} ms: {}", config.retryBackoffMs(), e.getMessage());
            context.timeout(config.retryBackoffMs());
            throw new RetriableException(e);
        }
    }

    private void reject(SinkRecord record, Exception problem) {
        String message =
                "record " + SinkRecordTranslator.describe(record) + " cannot be tiered: " + problem.getMessage();
        if (deadLetters == null) {
            throw new ConnectException(
                    message + " (set errors.tolerance=all and "
                            + "errors.deadletterqueue.topic.name to route such records to a dead-letter queue)",
                    problem);
        }
        LOG.warn("Sending to the dead-letter queue: {}", message);
        deadLetters.report(record, problem);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        try {
            writer.finishDueFiles();
        } catch (IOException e) {
            LOG.warn("Store unavailable while finishing due files; will retry: {}", e.getMessage());
        }
        Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>();
        writer.committedOffsets().forEach((shard, offset) -> {
            TopicPartition partition = new TopicPartition(shard.topic(), shard.partition());
            if (currentOffsets.containsKey(partition)) {
                safe.put(partition, new OffsetAndMetadata(offset));
            }
        });
        return safe;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            writer.close(new ShardId(partition.topic(), partition.partition()));
        }
    }

    @Override
    public void stop() {
        if (metrics != null) {
            metrics.close();
        }
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                LOG.warn("Closing the store failed", e);
            }
        }
    }
}
