/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.tiering;

import io.tributary.shard.format.FileFormat;
import io.tributary.shard.partition.PathTemplate;
import io.tributary.shard.registry.RowSchemas;
import java.nio.file.Path;

/**
 * What a tiering task writes and where, resolved from {@link TieringConfig}.
 *
 * @param topicsDir root directory (or key prefix) of all data files, without trailing '/'
 * @param stateName names this connector's commit markers, so connectors sharing a bucket do not
 *     share positions
 * @param rows the columns of each record's file: the plain layout, or a registered schema's (per task: it keeps
 *     the schemas it looked up)
 */
public record TieringSettings(
        String topicsDir,
        String stateName,
        FileFormat format,
        String compression,
        RowSchemas rows,
        PathTemplate pathTemplate,
        RotationPolicy rotation,
        Path bufferDir) {

    /** Where the commit marker of one shard lives; '_' keeps query engines from reading it as data. */
    String markerPath(ShardId shard) {
        return prefix() + "_tributary/" + stateName + "/" + shard.topic() + "+" + shard.partition() + ".commit";
    }

    /**
     * The file name of a shard batch's file: topic, partition and start offset, zero-padded so that
     * names sort in offset order; the end offset too where the store's names carry it; then the
     * {@link io.tributary.shard.format.RowSchema#nameTag() tag} of its columns' schema, if any.
     */
    String dataPath(
            String directory, String nameTag, ShardId shard, long startOffset, long endOffset, boolean withEndOffset) {
        StringBuilder name = new StringBuilder(prefix());
        if (!directory.isEmpty()) {
            name.append(directory).append('/');
        }
        name.append(shard.topic())
                .append('+')
                .append(shard.partition())
                .append('+')
                .append(String.format("%020d", startOffset));
        if (withEndOffset) {
            name.append('+').append(String.format("%020d", endOffset));
        }
        return name.append(nameTag)
                .append('.')
                .append(format.extension(compression))
                .toString();
    }

    private String prefix() {
        return topicsDir.isEmpty() ? "" : topicsDir + "/";
    }
}
