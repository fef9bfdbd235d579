/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;

/**
 * HDFS (or any Hadoop file system with atomic rename). Files are written under a temporary directory
 * and renamed into place, so readers only ever see complete files.
 */
public final class HdfsShardStorage implements ShardStorage {
    /** Starts with '_' so that Hive, Spark and Trino skip it when they scan a table's directory. */
    static final String TEMP_DIR = "_tributary/tmp";

    private final FileSystem fs;
    private final FileContext files;
    private final org.apache.hadoop.fs.Path root;

    public HdfsShardStorage(FileSystem fs, String root) throws IOException {
        this.fs = fs;
        this.files = FileContext.getFileContext(fs.getUri(), fs.getConf());
        this.root = fs.makeQualified(new org.apache.hadoop.fs.Path(root.isEmpty() ? "/" : root));
    }

    @Override
    public void publish(Path localFile, String path) throws IOException {
        org.apache.hadoop.fs.Path temp = tempPath();
        fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(localFile.toUri()), temp);
        moveIntoPlace(temp, resolve(path));
    }

    @Override
    public void writeAtomically(String path, byte[] content) throws IOException {
        org.apache.hadoop.fs.Path temp = tempPath();
        try (FSDataOutputStream out = fs.create(temp, true)) {
            out.write(content);
            out.hsync();
        }
        moveIntoPlace(temp, resolve(path));
    }

    private void moveIntoPlace(org.apache.hadoop.fs.Path temp, org.apache.hadoop.fs.Path target) throws IOException {
        try {
            fs.mkdirs(target.getParent());
            // OVERWRITE makes the replacement a single namenode operation: no moment without the file.
            files.rename(temp, target, Options.Rename.OVERWRITE);
        } catch (IOException e) {
            fs.delete(temp, false);
            throw e;
        }
    }

    @Override
    public Optional<byte[]> read(String path) throws IOException {
        org.apache.hadoop.fs.Path file = resolve(path);
        if (!fs.exists(file)) {
            return Optional.empty();
        }
        try (InputStream in = fs.open(file)) {
            return Optional.of(in.readAllBytes());
        }
    }

    private org.apache.hadoop.fs.Path tempPath() {
        return new org.apache.hadoop.fs.Path(root, TEMP_DIR + "/" + UUID.randomUUID());
    }

    private org.apache.hadoop.fs.Path resolve(String path) {
        return new org.apache.hadoop.fs.Path(root, path);
    }

    @Override
    public boolean namesCarryEndOffset() {
        return true;
    }

    @Override
    public void close() throws IOException {
        fs.close();
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
