/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry.columns;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors;
import io.tributary.registry.RegisteredSchema;
import io.tributary.registry.WireFormat;
import io.tributary.registry.proto.ProtoDescriptors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registered {@code .proto} file as columns: each message a payload may be of has its own
 * ({@link ProtobufMessageColumns}), and a payload's message indexes (Confluent's wire format: after the schema id,
 * a zigzag varint count, then that many zigzag varint indexes, the first into the file's messages, the next into
 * that one's nested messages; a count of 0 means the file's first message) say which.
 */
final class ProtobufColumns implements SchemaColumns {

    /** Deeper than this, a message-index array is taken for garbage. */
    private static final int MAX_INDEXES = 32;

    private final int schemaId;
    private final Descriptors.FileDescriptor file;
    private final Map<List<Integer>, PayloadColumns> byMessage = new ConcurrentHashMap<>();

    /** @throws IllegalArgumentException with the reason when the file or an import cannot be compiled */
    ProtobufColumns(RegisteredSchema schema) {
        this.schemaId = schema.id();
        Map<String, Descriptors.FileDescriptor> imports = new HashMap<>();
        try {
            for (RegisteredSchema.Reference reference : schema.references()) {
                imports.put(reference.name(), ProtoDescriptors.compile(reference.name(), reference.text(), imports));
            }
            this.file = ProtoDescriptors.compile("schema-" + schema.id() + ".proto", schema.text(), imports);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is a Protobuf schema that cannot be read: " + e.getMessage(), e);
        }
        if (file.getMessageTypes().isEmpty()) {
            throw new IllegalArgumentException("is a .proto file without a message: it has no columns");
        }
        // The first message's columns now: a file whose payloads cannot have columns is refused at once.
        messageColumns(List.of(0));
    }

    @Override
    public PayloadColumns forPayload(byte[] payload) throws UndecodablePayloadException {
        List<Integer> indexes;
        try {
            indexes = messageIndexes(CodedInputStream.newInstance(
                    payload, WireFormat.PREFIX_LENGTH, payload.length - WireFormat.PREFIX_LENGTH));
        } catch (IOException e) {
            throw new UndecodablePayloadException(
                    "payload of schema id " + schemaId + " has no Protobuf message indexes: " + e.getMessage());
        }
        try {
            return messageColumns(indexes);
        } catch (IllegalArgumentException e) {
            throw new UndecodablePayloadException("payload of schema id " + schemaId + ": " + e.getMessage());
        }
    }

    private PayloadColumns messageColumns(List<Integer> indexes) {
        PayloadColumns known = byMessage.get(indexes);
        if (known == null) {
            Descriptors.Descriptor message = message(indexes);
            known = new ProtobufMessageColumns(schemaId, message, indexes.equals(List.of(0)));
            byMessage.put(indexes, known);
        }
        return known;
    }

    private Descriptors.Descriptor message(List<Integer> indexes) {
        List<Descriptors.Descriptor> candidates = file.getMessageTypes();
        Descriptors.Descriptor message = null;
        for (int index : indexes) {
            if (index < 0 || index >= candidates.size()) {
                throw new IllegalArgumentException("its message indexes " + indexes + " name no message of the file");
            }
            message = candidates.get(index);
            candidates = message.getNestedTypes();
        }
        return message;
    }

    /** Reads the message-index array, leaving {@code in} at the message. */
    static List<Integer> messageIndexes(CodedInputStream in) throws IOException {
        int count = in.readSInt32();
        if (count == 0) {
            return List.of(0);
        }
        if (count < 0 || count > MAX_INDEXES) {
            throw new IOException("bad message-index count " + count);
        }
        List<Integer> indexes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            indexes.add(in.readSInt32());
        }
        return List.copyOf(indexes);
    }
}
