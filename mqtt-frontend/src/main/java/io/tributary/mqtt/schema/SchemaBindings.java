/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import io.tributary.mqtt.wire.ReasonCodes;
import io.tributary.placement.Entity;
import io.tributary.placement.Kind;
import io.tributary.placement.PlacementChange;
import io.tributary.placement.PlacementImage;
import io.tributary.placement.PlacementListener;
import io.tributary.registry.WireFormat;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema bindings of the cluster metadata, applied live (docs/schemas.md): which schema a PUBLISH must
 * match, what goes to Kafka, and what MQTT subscribers get of a record in the registry's wire format.
 *
 * <p>{@link #check} runs on the event loop: it only reads a compiled schema that {@link SubjectSchemas} read
 * before, and costs a JSON parse and a schema walk (measured in docs/performance.md). A topic without a binding
 * costs one volatile read. Bindings are tried by name; the first whose filter matches applies.
 */
public final class SchemaBindings implements PlacementListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaBindings.class);
    static final String JSON_CONTENT_TYPE = "application/json";
    /** A reason string goes back to the device in a PUBACK: kept short. */
    private static final int MAX_REASON = 240;

    private final SubjectSchemas schemas;
    private volatile List<SchemaBinding> bindings = List.of();
    private final LongAdder invalidPayloads = new LongAdder();
    private final LongAdder unavailableSchemas = new LongAdder();

    /**
     * @param refreshMillis how often the latest version of each bound subject is read again
     * @param retryMillis how often a subject that could not be read is tried again
     */
    public SchemaBindings(SchemaSource source, long refreshMillis, long retryMillis) {
        this.schemas = new SubjectSchemas(source, refreshMillis, retryMillis);
    }

    /** The bindings of an image, by name; invalid ones (written around the admin checks) are logged and skipped. */
    public static List<SchemaBinding> bindingsOf(PlacementImage image) {
        List<SchemaBinding> out = new ArrayList<>();
        for (Entity.Schema e : image.schemas().values()) {
            try {
                out.add(SchemaBinding.of(e));
            } catch (RuntimeException ex) {
                LOG.warn("Ignoring schema binding '{}' (version {}): {}", e.name(), e.version(), ex.getMessage());
            }
        }
        return out;
    }

    @Override
    public void onChange(PlacementChange change) {
        if (change.touches(Kind.SCHEMA)) {
            apply(change.image());
        }
    }

    /** Brings the bindings to those of {@code image}; the schemas of new subjects are read in the background. */
    public void apply(PlacementImage image) {
        List<SchemaBinding> next = bindingsOf(image);
        Set<String> subjects = new LinkedHashSet<>();
        next.forEach(b -> subjects.add(b.subject()));
        schemas.want(subjects);
        if (!next.equals(bindings)) {
            bindings = List.copyOf(next);
            LOG.info(
                    "Schema bindings now: {}",
                    next.stream().map(SchemaBinding::name).toList());
        }
    }

    /** Reads every bound subject now (blocking); for a node's start and for tests. */
    public void loadAll() {
        for (SchemaBinding b : bindings) {
            schemas.load(b.subject());
        }
    }

    public List<SchemaBinding> bindings() {
        return bindings;
    }

    /** What the binding of {@code topic} (if any) says about a PUBLISH's payload. Event-loop safe, never blocks. */
    public PayloadCheck check(String topic, byte[] payload) {
        PayloadCheck check = evaluate(topic, payload);
        if (check.reasonCode() == ReasonCodes.PAYLOAD_FORMAT_INVALID) {
            invalidPayloads.increment();
        } else if (!check.accepted()) {
            unavailableSchemas.increment();
        }
        return check;
    }

    /**
     * The value of the Kafka record of a will the broker publishes now on a client's behalf: the payload encoded
     * as its binding says, or null for the payload as it is. The will was checked at CONNECT ({@link #check}); if
     * it no longer passes (a new schema version since), it is written as it is, with a WARN line, rather than lost.
     */
    public byte @Nullable [] willRecordValue(Message will) {
        if (bindings.isEmpty()) {
            return null;
        }
        PayloadCheck check = evaluate(will.topic(), will.payload());
        if (!check.accepted()) {
            LOG.warn("Will of {} to {} written as it is: {}", will.publisher(), will.topic(), check.reason());
        }
        return check.recordValue();
    }

    private PayloadCheck evaluate(String topic, byte[] payload) {
        List<SchemaBinding> list = bindings;
        if (list.isEmpty()) {
            return PayloadCheck.AS_PUBLISHED;
        }
        SchemaBinding binding = match(list, topic);
        if (binding == null || binding.mode() == BindingMode.OFF) {
            return PayloadCheck.AS_PUBLISHED;
        }
        SubjectSchemas.Loaded loaded = schemas.get(binding.subject());
        PayloadSchema schema = loaded == null ? null : loaded.schema();
        if (schema == null) {
            return PayloadCheck.unavailable(
                    loaded == null
                            ? "schema of subject '" + binding.subject() + "' not read from the registry yet"
                            : shorten(loaded.problem()));
        }
        if (schema.registered().format() != binding.format()) {
            return PayloadCheck.unavailable("subject '" + binding.subject() + "' holds a "
                    + schema.registered().format().text() + " schema, binding '" + binding.name() + "' expects "
                    + binding.format().text());
        }
        if (binding.message() != null) {
            try {
                schema = schema.forMessage(binding.message());
            } catch (IllegalArgumentException e) {
                return PayloadCheck.unavailable(shorten("binding '" + binding.name() + "': " + e.getMessage()));
            }
        }
        try {
            if (binding.mode() == BindingMode.VALIDATE) {
                schema.validate(payload);
                return PayloadCheck.AS_PUBLISHED;
            }
            return PayloadCheck.encoded(WireFormat.encode(schema.registered().id(), schema.encode(payload)));
        } catch (PayloadSchema.InvalidPayloadException e) {
            return PayloadCheck.invalid(shorten(e.getMessage()));
        }
    }

    /**
     * The message as MQTT subscribers get it: a record in the registry's wire format, on a topic whose binding
     * delivers decoded payloads, becomes its JSON (content type {@code application/json}); anything else is
     * returned as it is. May read a schema by id from the registry: call it on a reader thread.
     */
    public Message forSubscribers(Message message) {
        List<SchemaBinding> list = bindings;
        if (list.isEmpty() || !WireFormat.matches(message.payload())) {
            return message;
        }
        SchemaBinding binding = match(list, message.topic());
        if (binding == null || binding.deliverEncoded()) {
            return message;
        }
        PayloadSchema schema = schemas.byId(WireFormat.schemaId(message.payload()));
        if (schema == null) {
            return message;
        }
        try {
            byte[] json = schema.toJson(WireFormat.body(message.payload()));
            return new Message(
                    message.topic(),
                    json,
                    message.qos(),
                    message.retain(),
                    message.publisher(),
                    asJson(message.properties()));
        } catch (PayloadSchema.InvalidPayloadException e) {
            LOG.debug("Record on {} delivered as it is: {}", message.topic(), e.getMessage());
            return message;
        }
    }

    /** PUBLISHes and wills refused because their payload did not match (0x99). */
    public long invalidPayloads() {
        return invalidPayloads.sum();
    }

    /** PUBLISHes and wills refused because their binding's schema could not be had (0x80). */
    public long unavailableSchemas() {
        return unavailableSchemas.sum();
    }

    private static @Nullable SchemaBinding match(List<SchemaBinding> list, String topic) {
        for (SchemaBinding b : list) {
            if (b.filter().matches(topic)) {
                return b;
            }
        }
        return null;
    }

    private static MessageProperties asJson(MessageProperties p) {
        return new MessageProperties(
                true,
                JSON_CONTENT_TYPE,
                p.expiresAtMillis(),
                p.responseTopic(),
                p.correlationData(),
                p.userProperties());
    }

    private static String shorten(@Nullable String reason) {
        String r = reason == null ? "schema unavailable" : reason;
        return r.length() <= MAX_REASON ? r : r.substring(0, MAX_REASON - 3) + "...";
    }

    @Override
    public void close() {
        schemas.close();
    }
}
