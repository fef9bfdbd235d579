/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry.columns;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import io.tributary.registry.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The columns of one Protobuf message, a column for each field in field-number order, and the reader of its
 * payloads. Types map as: double, float, bool, string and bytes to their own; int32, sint32 and sfixed32 to int;
 * uint32 and fixed32 to long (unsigned); int64, sint64, sfixed64, uint64 and fixed64 to long (a uint64 above
 * 2^63-1 reads as negative, as in Java); an enum to string (the value's name); a message to a struct; {@code
 * repeated} to a list; {@code map<K, V>} to a map; {@code google.protobuf.Timestamp} to timestamp; the wrapper
 * messages ({@code google.protobuf.Int64Value}, ...) to the type they wrap. A field whose message contains itself
 * (directly or deeper: {@code google.protobuf.Struct}, a tree) and a message without fields get no column: the
 * raw payload keeps them. A field without presence that the payload leaves out (proto3's implicit fields) has its
 * default value, a field with presence (a message, {@code optional}, a oneof member) null.
 */
final class ProtobufMessageColumns implements PayloadColumns {

    private static final String TIMESTAMP = "google.protobuf.Timestamp";
    private static final Set<String> WRAPPERS = Set.of(
            "google.protobuf.DoubleValue",
            "google.protobuf.FloatValue",
            "google.protobuf.Int64Value",
            "google.protobuf.UInt64Value",
            "google.protobuf.Int32Value",
            "google.protobuf.UInt32Value",
            "google.protobuf.BoolValue",
            "google.protobuf.StringValue",
            "google.protobuf.BytesValue");

    private final int schemaId;
    private final Descriptors.Descriptor message;
    private final String variant;
    private final ColumnType.Struct columns;
    /**
     * The fields that are columns of each struct, in its order. By struct: one message type may have fewer columns
     * where it is nested in itself.
     */
    private final Map<ColumnType.Struct, List<FieldDescriptor>> columnFields = new IdentityHashMap<>();

    /** @throws IllegalArgumentException when the message has no field that can be a column */
    ProtobufMessageColumns(int schemaId, Descriptors.Descriptor message, boolean firstOfFile) {
        this.schemaId = schemaId;
        this.message = message;
        this.variant = firstOfFile ? "" : message.getFullName();
        ColumnType type = struct(message, new HashSet<>());
        if (!(type instanceof ColumnType.Struct struct)) {
            throw new IllegalArgumentException(
                    "message " + message.getFullName() + " has no field that can be a column");
        }
        this.columns = struct;
    }

    @Override
    public int schemaId() {
        return schemaId;
    }

    @Override
    public String variant() {
        return variant;
    }

    @Override
    public ColumnType.Struct columns() {
        return columns;
    }

    @Override
    public List<Object> decode(byte[] payload) throws UndecodablePayloadException {
        CodedInputStream in = CodedInputStream.newInstance(
                payload, WireFormat.PREFIX_LENGTH, payload.length - WireFormat.PREFIX_LENGTH);
        DynamicMessage values;
        try {
            ProtobufColumns.messageIndexes(in);
            values = DynamicMessage.parseFrom(message, in);
        } catch (IOException e) {
            throw new UndecodablePayloadException("payload is not Protobuf of " + message.getFullName() + " (schema id "
                    + schemaId + "): " + e.getMessage());
        }
        return struct(values, columns);
    }

    // ---- Protobuf message -> column type

    /** @return null for a message none of whose fields can be a column */
    private ColumnType.@Nullable Struct struct(Descriptors.Descriptor type, Set<String> enclosing) {
        if (!enclosing.add(type.getFullName())) {
            return null; // contains itself: no column type is infinite
        }
        List<ColumnType.Column> fields = new ArrayList<>();
        List<FieldDescriptor> sources = new ArrayList<>();
        // By field number: the order protoc's descriptor has (this one's puts proto3 optional fields last), and
        // the one in which a subject's versions add fields.
        List<FieldDescriptor> declared = new ArrayList<>(type.getFields());
        declared.sort(java.util.Comparator.comparingInt(FieldDescriptor::getNumber));
        for (FieldDescriptor field : declared) {
            ColumnType column = field.isMapField() ? map(field, enclosing) : repeatable(field, enclosing);
            if (column != null) {
                fields.add(new ColumnType.Column(field.getName(), column));
                sources.add(field);
            }
        }
        enclosing.remove(type.getFullName());
        if (fields.isEmpty()) {
            return null;
        }
        ColumnType.Struct struct = new ColumnType.Struct(fields);
        columnFields.put(struct, sources);
        return struct;
    }

    private @Nullable ColumnType repeatable(FieldDescriptor field, Set<String> enclosing) {
        ColumnType single = single(field, enclosing);
        return single == null || !field.isRepeated() ? single : new ColumnType.ListOf(single);
    }

    private @Nullable ColumnType map(FieldDescriptor field, Set<String> enclosing) {
        Descriptors.Descriptor entry = field.getMessageType();
        ColumnType key = single(entry.findFieldByNumber(1), enclosing);
        ColumnType value = single(entry.findFieldByNumber(2), enclosing);
        return key == null || value == null ? null : new ColumnType.MapOf(key, value);
    }

    /** The type of one value of {@code field}. */
    private @Nullable ColumnType single(FieldDescriptor field, Set<String> enclosing) {
        return switch (field.getType()) {
            case DOUBLE -> ColumnType.Scalar.DOUBLE;
            case FLOAT -> ColumnType.Scalar.FLOAT;
            case INT32, SINT32, SFIXED32 -> ColumnType.Scalar.INT;
            case UINT32, FIXED32, INT64, SINT64, SFIXED64, UINT64, FIXED64 -> ColumnType.Scalar.LONG;
            case BOOL -> ColumnType.Scalar.BOOLEAN;
            case STRING, ENUM -> ColumnType.Scalar.STRING;
            case BYTES -> ColumnType.Scalar.BINARY;
            case MESSAGE -> message(field.getMessageType(), enclosing);
            case GROUP -> null; // proto2 groups: ProtoDescriptors refuses them before this
        };
    }

    private @Nullable ColumnType message(Descriptors.Descriptor type, Set<String> enclosing) {
        if (type.getFullName().equals(TIMESTAMP)) {
            return ColumnType.Scalar.TIMESTAMP;
        }
        if (WRAPPERS.contains(type.getFullName())) {
            return single(type.findFieldByName("value"), enclosing);
        }
        return struct(type, enclosing);
    }

    // ---- Protobuf message -> values

    private List<Object> struct(com.google.protobuf.Message values, ColumnType.Struct type) {
        List<FieldDescriptor> sources = columnFields.get(type);
        List<Object> row = new ArrayList<>(sources.size());
        for (int i = 0; i < sources.size(); i++) {
            FieldDescriptor field = sources.get(i);
            ColumnType column = type.fields().get(i).type();
            if (field.isRepeated()) {
                row.add(repeated(values, field, column));
            } else if (field.hasPresence() && !values.hasField(field)) {
                row.add(null);
            } else {
                row.add(single(values.getField(field), field, column));
            }
        }
        return row;
    }

    private Object repeated(com.google.protobuf.Message values, FieldDescriptor field, ColumnType column) {
        int count = values.getRepeatedFieldCount(field);
        if (column instanceof ColumnType.MapOf map) {
            Descriptors.Descriptor entry = field.getMessageType();
            FieldDescriptor key = entry.findFieldByNumber(1);
            FieldDescriptor value = entry.findFieldByNumber(2);
            Map<Object, Object> entries = new java.util.LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                com.google.protobuf.Message pair = (com.google.protobuf.Message) values.getRepeatedField(field, i);
                entries.put(
                        single(pair.getField(key), key, map.key()), single(pair.getField(value), value, map.value()));
            }
            return entries;
        }
        ColumnType element = ((ColumnType.ListOf) column).element();
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add(single(values.getRepeatedField(field, i), field, element));
        }
        return items;
    }

    private @Nullable Object single(Object value, FieldDescriptor field, ColumnType column) {
        return switch (field.getType()) {
            case UINT32, FIXED32 -> Integer.toUnsignedLong((Integer) value);
            case ENUM -> ((Descriptors.EnumValueDescriptor) value).getName();
            case BYTES -> java.nio.ByteBuffer.wrap(((com.google.protobuf.ByteString) value).toByteArray());
            case MESSAGE -> messageValue((com.google.protobuf.Message) value, column);
            default -> value; // double, float, int, long, bool, string: the Java types the columns take
        };
    }

    private @Nullable Object messageValue(com.google.protobuf.Message value, ColumnType column) {
        Descriptors.Descriptor type = value.getDescriptorForType();
        if (type.getFullName().equals(TIMESTAMP)) {
            long seconds = (Long) value.getField(type.findFieldByName("seconds"));
            int nanos = (Integer) value.getField(type.findFieldByName("nanos"));
            return java.time.Instant.ofEpochSecond(seconds, nanos);
        }
        if (WRAPPERS.contains(type.getFullName())) {
            FieldDescriptor wrapped = type.findFieldByName("value");
            return single(value.getField(wrapped), wrapped, column);
        }
        return struct(value, (ColumnType.Struct) column);
    }
}
