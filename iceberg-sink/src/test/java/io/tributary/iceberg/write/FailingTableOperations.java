/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.write;

import org.apache.iceberg.BaseTable;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;

/**
 * The catalog's real table operations with commit failures on demand: the commit never reaches the
 * catalog, or it does and the answer is lost (the connection dropped after the catalog wrote).
 */
final class FailingTableOperations implements TableOperations {
    enum Failure {
        NONE,
        BEFORE_LANDING,
        AFTER_LANDING
    }

    private final TableOperations real;
    private volatile Failure next = Failure.NONE;
    private volatile int failuresLeft;

    private FailingTableOperations(TableOperations real) {
        this.real = real;
    }

    /** A table like {@code table} whose next commits fail as told by {@link #failNext}. */
    static FailingTableOperations around(Table table) {
        return new FailingTableOperations(((HasTableOperations) table).operations());
    }

    Table table(String name) {
        return new BaseTable(this, name);
    }

    void failNext(Failure failure, int times) {
        this.next = failure;
        this.failuresLeft = times;
    }

    @Override
    public void commit(TableMetadata base, TableMetadata metadata) {
        Failure failure = failuresLeft > 0 ? next : Failure.NONE;
        if (failure != Failure.NONE) {
            failuresLeft--;
        }
        if (failure == Failure.BEFORE_LANDING) {
            throw new IllegalStateException("catalog unreachable (test)");
        }
        real.commit(base, metadata);
        if (failure == Failure.AFTER_LANDING) {
            throw new CommitStateUnknownException(new RuntimeException("connection reset after the write (test)"));
        }
    }

    @Override
    public TableMetadata current() {
        return real.current();
    }

    @Override
    public TableMetadata refresh() {
        return real.refresh();
    }

    @Override
    public FileIO io() {
        return real.io();
    }

    @Override
    public EncryptionManager encryption() {
        return real.encryption();
    }

    @Override
    public String metadataFileLocation(String fileName) {
        return real.metadataFileLocation(fileName);
    }

    @Override
    public LocationProvider locationProvider() {
        return real.locationProvider();
    }

    @Override
    public TableOperations temp(TableMetadata uncommittedMetadata) {
        return real.temp(uncommittedMetadata);
    }

    @Override
    public long newSnapshotId() {
        return real.newSnapshotId();
    }

    @Override
    public boolean requireStrictCleanup() {
        return real.requireStrictCleanup();
    }
}
