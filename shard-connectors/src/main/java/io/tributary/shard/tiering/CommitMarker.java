/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.tiering;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The write-ahead record of a shard's latest batch, one small file per shard in storage.
 * {@code WRITING} is written before any data file of the batch is published, {@code COMMITTED} after
 * all of them are. On recovery a WRITING batch is written again with exactly the same offsets, so its
 * files get the same names and the same content, replacing whatever part of it was published.
 *
 * @param startOffset first offset of the batch
 * @param endOffset last offset of the batch (inclusive)
 */
public record CommitMarker(State state, long startOffset, long endOffset) {
    public enum State {
        WRITING,
        COMMITTED
    }

    public byte[] toBytes() {
        return ("# Tributary tiering position; do not edit while the connector runs\n" + "state=" + state + "\nstart="
                        + startOffset + "\nend=" + endOffset + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    public static CommitMarker fromBytes(byte[] bytes) throws IOException {
        Properties properties = new Properties();
        properties.load(
                new StringReader(new String(new ByteArrayInputStream(bytes).readAllBytes(), StandardCharsets.UTF_8)));
        try {
            return new CommitMarker(
                    State.valueOf(properties.getProperty("state")),
                    Long.parseLong(properties.getProperty("start")),
                    Long.parseLong(properties.getProperty("end")));
        } catch (RuntimeException e) {
            throw new IOException("unreadable commit marker: " + properties, e);
        }
    }
}
