/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * JSON values of the placement topic. Unknown fields are ignored so that a node of an older release reads
 * the records a newer one wrote (fields are only ever added).
 */
public final class PlacementCodec {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    private PlacementCodec() {}

    public static byte[] encode(Entity entity) {
        try {
            return JSON.writeValueAsBytes(entity);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + PlacementKey.of(entity), e);
        }
    }

    /**
     * Decodes the value of a record whose key is {@code key}.
     *
     * @throws IllegalArgumentException when the value is not a valid entity of that kind, or names another
     */
    public static Entity decode(PlacementKey key, byte[] value) {
        Entity entity;
        try {
            entity = JSON.readValue(value, key.kind().type());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "not a valid " + key.kind().segment() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a valid " + key.kind().segment() + ": " + e.getMessage(), e);
        }
        if (!key.name().equals(entity.name())) {
            throw new IllegalArgumentException("record " + key + " holds an entity named " + entity.name());
        }
        return entity;
    }
}
