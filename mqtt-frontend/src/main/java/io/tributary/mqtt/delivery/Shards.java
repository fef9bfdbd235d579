/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.delivery;

import org.apache.kafka.common.TopicPartition;

/** The text form of a shard id in session records: {@code topic:partition} (':' cannot occur in topic names). */
public final class Shards {

    private Shards() {}

    public static String id(TopicPartition tp) {
        return tp.topic() + ":" + tp.partition();
    }

    public static TopicPartition parse(String id) {
        int colon = id.lastIndexOf(':');
        return new TopicPartition(id.substring(0, colon), Integer.parseInt(id.substring(colon + 1)));
    }
}
