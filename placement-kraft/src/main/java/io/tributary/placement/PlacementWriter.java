/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes placement records: the full state of an entity, or a tombstone. Idempotent, {@code acks=all}. */
public final class PlacementWriter implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    public PlacementWriter(Map<String, Object> clientProps, String topic, String clientId) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    /** Writes an entity; completes with the record's offset once Kafka acknowledged it. */
    public CompletableFuture<Long> put(Entity entity) {
        return send(PlacementKey.of(entity), PlacementCodec.encode(entity));
    }

    /** Deletes an entity with a tombstone; completes with the tombstone's offset. */
    public CompletableFuture<Long> delete(PlacementKey key) {
        return send(key, null);
    }

    private CompletableFuture<Long> send(PlacementKey key, byte[] value) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, key.bytes(), value), (md, e) -> {
            if (e != null) {
                f.completeExceptionally(e);
            } else {
                f.complete(md.offset());
            }
        });
        return f;
    }

    @Override
    public void close() {
        producer.close();
    }
}
