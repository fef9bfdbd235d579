/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import io.tributary.mqtt.topic.TopicFilter;
import io.tributary.placement.Entity;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A schema of the registry bound to an MQTT topic filter, as the cluster metadata holds it ({@code schema/NAME}).
 *
 * @param deliverEncoded MQTT subscribers get a registry-encoded record's bytes as they are, rather than JSON
 * @param message the full name of the Protobuf message payloads are checked against; null: the file's first
 */
public record SchemaBinding(
        String name,
        TopicFilter filter,
        String subject,
        SchemaFormat format,
        BindingMode mode,
        boolean deliverEncoded,
        @Nullable String message) {

    public static final String DELIVER_DECODED = "decoded";
    public static final String DELIVER_ENCODED = "encoded";

    /**
     * The binding an entity describes.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static SchemaBinding of(Entity.Schema entity) {
        if (entity.filter() == null || entity.subject() == null || entity.format() == null || entity.mode() == null) {
            throw new IllegalArgumentException("a schema binding needs a filter, a subject, a format and a mode");
        }
        TopicFilter filter = TopicFilter.parse(entity.filter());
        if (filter.isShared()) {
            throw new IllegalArgumentException("a schema binding's filter is a topic filter, not $share/...");
        }
        if (entity.subject().isBlank()) {
            throw new IllegalArgumentException("a schema binding needs a registry subject");
        }
        SchemaFormat format = SchemaFormat.parse(entity.format());
        String delivery = entity.delivery() == null
                ? DELIVER_DECODED
                : entity.delivery().trim().toLowerCase(Locale.ROOT);
        if (!delivery.equals(DELIVER_DECODED) && !delivery.equals(DELIVER_ENCODED)) {
            throw new IllegalArgumentException("unknown delivery '" + entity.delivery() + "': decoded or encoded");
        }
        String message = entity.message() == null || entity.message().isBlank()
                ? null
                : entity.message().trim();
        if (message != null && format != SchemaFormat.PROTOBUF) {
            throw new IllegalArgumentException(
                    "a message name (" + message + ") only applies to protobuf bindings, not " + format.text());
        }
        return new SchemaBinding(
                entity.name(),
                filter,
                entity.subject(),
                format,
                BindingMode.parse(entity.mode()),
                delivery.equals(DELIVER_ENCODED),
                message);
    }
}
