/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.sink;

import io.tributary.iceberg.IcebergSinkConfig;
import io.tributary.iceberg.SinkInput;
import io.tributary.iceberg.registry.PayloadSchemas;
import io.tributary.iceberg.row.Conversion;
import io.tributary.iceberg.row.RowConverter;
import io.tributary.iceberg.table.Catalogs;
import io.tributary.iceberg.table.PartitionSpecs;
import io.tributary.iceberg.table.TableProvisioner;
import io.tributary.iceberg.table.TableRoutes;
import io.tributary.iceberg.write.CommitResult;
import io.tributary.iceberg.write.KafkaPartition;
import io.tributary.iceberg.write.TableWriter;
import io.tributary.iceberg.write.TableWriterConfig;
import io.tributary.iceberg.write.WriteMode;
import io.tributary.registry.ConfluentRestRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Iceberg sink of one Connect task, without Connect: records in, rows routed to their tables, commits on
 * the interval, and the offsets that are safe to report. The task is a thin shell around it.
 *
 * <p>Exactly once over several tables (docs/iceberg.md, section "sink"): Iceberg has no multi-table commit, so
 * each table's snapshots record the offsets of the rows it holds, each table's writer skips what it already
 * holds, a partition resumes at the lowest of Connect's committed offset and each table's, and {@link
 * #safeOffsets()} reports no more than every table with pending rows of a partition has committed.
 *
 * <p>Not thread safe: one task, one thread.
 */
public final class IcebergSink implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(IcebergSink.class);

    private final IcebergSinkConfig config;
    private final Catalog catalog;
    private final String connectorName;
    private final String taskId;
    private final Clock clock;
    private final TableRoutes routes;
    private final Map<TableIdentifier, SinkTable> tables = new LinkedHashMap<>();
    private final PartitionPositions positions = new PartitionPositions();
    private final Set<KafkaPartition> assigned = new HashSet<>();
    private final SinkMetrics metrics = new SinkMetrics();
    /** The registered schemas of wire-format payloads, shared by the task's tables; null without a registry. */
    private final @Nullable PayloadSchemas payloadSchemas;

    private long lastCommitMs;

    /**
     * Opens the configured catalog.
     *
     * @throws io.tributary.iceberg.table.MissingBucketException when the warehouse bucket does not exist
     */
    public IcebergSink(IcebergSinkConfig config, String connectorName, String taskId, Clock clock) {
        this(config, Catalogs.load(config.catalogSettings()), connectorName, taskId, clock);
    }

    /** Over a catalog the caller opened (and closes). */
    public IcebergSink(IcebergSinkConfig config, Catalog catalog, String connectorName, String taskId, Clock clock) {
        this.config = config;
        this.catalog = catalog;
        this.connectorName = connectorName;
        this.taskId = taskId;
        this.clock = clock;
        this.routes = config.routes();
        this.lastCommitMs = clock.millis();
        this.payloadSchemas = config.registrySettings()
                .map(settings -> new PayloadSchemas(new ConfluentRestRegistry(settings)))
                .orElse(null);
    }

    /**
     * Takes newly assigned partitions and returns where to seek each: the lowest of Connect's committed offset
     * and each existing table's committed offset. A partition Connect's offset is not known for and some table
     * holds is checked against the first record delivered instead (see {@link #takeRewinds()}).
     *
     * @param connectCommitted Connect's committed offset per partition, where the caller knows it
     */
    public Map<KafkaPartition, Long> open(
            Collection<KafkaPartition> partitions, Map<KafkaPartition, Long> connectCommitted) {
        for (TableIdentifier id : routes.tables()) {
            if (!tables.containsKey(id) && catalog.tableExists(id)) {
                tables.put(id, sinkTable(id, catalog.loadTable(id)));
            }
        }
        Map<KafkaPartition, Long> lowest = new HashMap<>();
        for (SinkTable table : List.copyOf(tables.values())) {
            try {
                table.writer
                        .open(partitions)
                        .forEach((partition, offset) -> lowest.merge(partition, offset, Math::min));
            } catch (RuntimeException e) {
                if (!isDropped(e)) {
                    throw e;
                }
                forgetDropped(table, e);
            }
        }
        assigned.addAll(partitions);
        Map<KafkaPartition, Long> seek = positions.open(partitions, lowest, connectCommitted);
        LOG.info("Task {} opened {}: tables hold {}, seeking to {}", taskId, partitions, lowest, seek);
        return seek;
    }

    /**
     * Writes one record to the table its MQTT topic routes to, creating or evolving the table as needed. A record
     * the table cannot take goes to {@code rejected} with the reason. Throws only when a table cannot be reached,
     * created or written, never for bad data. After a failed write the table's writer has dropped its uncommitted
     * rows and {@link #takeRewinds()} says where to re-read from (the caller must seek there rather than have the
     * batch delivered again); without rewinds, the same batch may simply be delivered again. A table dropped
     * outside the connector throws {@link TableDroppedException} after the same rewind; the next record creates it.
     */
    public void put(SinkInput input, RejectedRecord rejected) {
        KafkaPartition partition = new KafkaPartition(input.kafkaTopic(), input.partition());
        if (!positions.admit(partition, input.offset())) {
            return;
        }
        Optional<TableIdentifier> route = routes.tableFor(input.mqtt().topic());
        if (route.isEmpty()) {
            doReject(
                    partition,
                    input.offset(),
                    "no route takes MQTT topic '" + input.mqtt().topic() + "' and " + IcebergSinkConfig.TABLES_CONFIG
                            + " names no default table",
                    rejected);
            return;
        }
        SinkTable table = tableFor(route.get(), input);
        Conversion conversion;
        try {
            conversion = table.convert(input);
        } catch (RuntimeException e) {
            throw isDropped(e) ? forgetDropped(table, e) : e;
        }
        if (conversion instanceof Conversion.Rejected rejection) {
            doReject(partition, input.offset(), "table " + table.id + ": " + rejection.reason(), rejected);
            return;
        }
        try {
            if (table.writer.write(partition, input.offset(), ((Conversion.Row) conversion).record())) {
                table.written(partition, input.offset(), input.kafkaTimestampMs());
            } else {
                metrics.skipped();
            }
        } catch (RuntimeException e) {
            if (isDropped(e)) {
                throw forgetDropped(table, e);
            }
            abort(table);
            throw e;
        }
        positions.handled(partition, input.offset());
    }

    /** A record that could not even be read (it breaks the record contract): rejected, its offset handled. */
    public void reject(KafkaPartition partition, long offset, String reason, RejectedRecord rejected) {
        if (positions.admit(partition, offset)) {
            doReject(partition, offset, reason, rejected);
        }
    }

    private void doReject(KafkaPartition partition, long offset, String reason, RejectedRecord rejected) {
        metrics.rejected();
        rejected.reject(reason);
        positions.handled(partition, offset);
    }

    private SinkTable tableFor(TableIdentifier id, SinkInput first) {
        SinkTable table = tables.get(id);
        if (table != null) {
            return table;
        }
        Table iceberg;
        if (config.autoCreateEnabled()) {
            RowConverter converter = new RowConverter(SinkRowSettings.from(config), payloadSchemas);
            Schema schema = converter.initialSchema(first);
            iceberg = TableProvisioner.ensure(
                    catalog,
                    id,
                    schema,
                    PartitionSpecs.parse(schema, config.partitionBy(id)),
                    config.identifierColumns(id));
        } else {
            iceberg = catalog.loadTable(id); // NoSuchTableException names the table
        }
        table = sinkTable(id, iceberg);
        tables.put(id, table);
        return table;
    }

    private SinkTable sinkTable(TableIdentifier id, Table iceberg) {
        TableWriterConfig writerConfig = new TableWriterConfig(
                connectorName,
                taskId,
                config.upsertEnabled() ? WriteMode.UPSERT : WriteMode.APPEND,
                TableWriterConfig.DEFAULT_COMMIT_ATTEMPTS);
        return new SinkTable(
                id,
                new TableWriter(iceberg, writerConfig),
                new RowConverter(SinkRowSettings.from(config), payloadSchemas));
    }

    /** Commits when the commit interval has passed since the last commit; returns whether it did. */
    public boolean commitDue() {
        if (clock.millis() - lastCommitMs < config.commitIntervalMs()) {
            return false;
        }
        commit();
        return true;
    }

    /**
     * Commits every table with pending rows, one snapshot each. A table whose commit fails keeps its rows for
     * the next try, or, when its files could not be closed, drops them and asks for a rewind ({@link
     * #takeRewinds()}); a table dropped outside the connector is forgotten the same way (created again by the next
     * record). The others still commit, and then the first failure is thrown, already logged in one line.
     */
    public void commit() {
        long started = clock.millis();
        long oldestRecordMs = Long.MAX_VALUE;
        RuntimeException failure = null;
        for (SinkTable table : List.copyOf(tables.values())) {
            if (!table.hasPendingRows()) {
                continue;
            }
            long oldest = table.oldestPendingTimestampMs;
            try {
                Optional<CommitResult> result = table.writer.commit();
                table.committed();
                oldestRecordMs = Math.min(oldestRecordMs, oldest);
                result.ifPresent(commit -> metrics.committed(
                        table.id.toString(),
                        commit.snapshotId(),
                        commit.records(),
                        commit.dataFiles() + commit.deleteFiles(),
                        commit.bytes()));
            } catch (RuntimeException e) {
                if (isDropped(e)) {
                    forgetDropped(table, e);
                    continue;
                }
                failedCommit(table, e);
                if (failure == null) {
                    failure = e;
                }
            }
        }
        long now = clock.millis();
        lastCommitMs = now;
        if (oldestRecordMs != Long.MAX_VALUE) {
            metrics.commitTook(now - started, Math.max(0, now - oldestRecordMs));
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Offsets Connect may commit, per assigned partition that the sink has handled records of: the offset after
     * the last record handled, but no further than the first uncommitted row of any table.
     */
    public Map<KafkaPartition, Long> safeOffsets() {
        Map<KafkaPartition, Long> safe = new HashMap<>(positions.handledNext());
        for (SinkTable table : tables.values()) {
            if (table.hasPendingRows()) {
                table.firstPending.forEach((partition, first) ->
                        safe.computeIfPresent(partition, (p, handled) -> Math.min(handled, first)));
            }
        }
        safe.keySet().retainAll(assigned);
        return safe;
    }

    /** Rewinds asked for since the last call: seek each partition there (the rest of its batch was dropped). */
    public Map<KafkaPartition, Long> takeRewinds() {
        return positions.takeRewinds();
    }

    /**
     * Gives up partitions: commits every pending row first, since another task will own them. When that commit
     * fails, every writer drops its uncommitted rows; the returned rewinds say where the partitions still
     * assigned must resume.
     */
    public Map<KafkaPartition, Long> close(Collection<KafkaPartition> partitions) {
        try {
            commit();
        } catch (RuntimeException e) {
            LOG.warn(
                    "Commit before giving up {} failed; dropping uncommitted rows: {}",
                    partitions,
                    FailureText.oneLine(e));
            tables.values().forEach(this::abort);
        }
        for (SinkTable table : tables.values()) {
            table.writer.release(partitions);
        }
        assigned.removeAll(partitions);
        positions.release(partitions);
        return takeRewinds();
    }

    private void failedCommit(SinkTable table, RuntimeException e) {
        metrics.commitFailed();
        if (table.writer.needsAbort()) {
            // Its files could not be closed (the store is unreachable): the rows are read again instead.
            Map<KafkaPartition, Long> rewindTo = abort(table);
            LOG.warn(
                    "Committing to table {} failed; its uncommitted rows are dropped and read again from {}: {}",
                    table.id,
                    rewindTo,
                    FailureText.oneLine(e));
        } else {
            LOG.warn(
                    "Committing to table {} failed; its {} rows stay pending for the next commit: {}",
                    table.id,
                    table.writer.uncommittedRecords(),
                    FailureText.oneLine(e));
        }
    }

    private Map<KafkaPartition, Long> abort(SinkTable table) {
        Map<KafkaPartition, Long> rewindTo = table.writer.abort();
        table.committed();
        rewindTo.forEach((partition, offset) -> {
            if (assigned.contains(partition)) {
                positions.rewind(partition, offset);
            }
        });
        return rewindTo;
    }

    /**
     * Whether a failure says the table is gone from the catalog (dropped, or dropped and created anew: Iceberg
     * then refuses to refresh a handle to the old table). With auto-create off the task fails instead.
     */
    private boolean isDropped(RuntimeException e) {
        if (!config.autoCreateEnabled()) {
            return false;
        }
        String message = String.valueOf(e.getMessage());
        return e instanceof NoSuchTableException
                || (e instanceof IllegalStateException && message.startsWith("Table UUID does not match"));
    }

    /** Forgets a dropped table: its uncommitted rows are dropped and read again into the table created anew. */
    private TableDroppedException forgetDropped(SinkTable table, RuntimeException e) {
        Map<KafkaPartition, Long> rewindTo = abort(table);
        table.writer.close();
        tables.remove(table.id);
        LOG.warn(
                "Table {} was dropped outside the connector; creating it again, its uncommitted rows are read again "
                        + "from {} (rows committed before the drop went with the table): {}",
                table.id,
                rewindTo,
                FailureText.oneLine(e));
        return new TableDroppedException(table.id, e);
    }

    public SinkMetrics metrics() {
        return metrics;
    }

    /** The table's handle, once the sink has opened or created it. */
    public Optional<Table> table(TableIdentifier id) {
        SinkTable table = tables.get(id);
        return table == null ? Optional.empty() : Optional.of(table.table());
    }

    /** Drops what is not committed (the caller commits first if it wants to keep it) and closes the catalog. */
    @Override
    public void close() {
        for (SinkTable table : tables.values()) {
            table.writer.close();
        }
        tables.clear();
        if (catalog instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                LOG.warn("Closing the catalog failed", e);
            }
        }
    }

    /** Commits only one table: lets a test stop between two tables' commits, as a crash would. */
    void commitOnly(TableIdentifier id) {
        SinkTable table = tables.get(id);
        table.writer.commit();
        table.committed();
    }
}
