/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UninitializedMessageException;
import com.google.protobuf.util.JsonFormat;
import io.tributary.registry.proto.ProtoDescriptors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A Protobuf schema of the registry. Devices send the message in Protobuf's JSON mapping (field names as in
 * the {@code .proto} or their lowerCamelCase JSON names; 64-bit integers may be strings, bytes are base64,
 * enums are names); a field the message does not have is refused. The record body is what Confluent's and
 * Apicurio's Protobuf serializers write after the id: the message-index array (which message of the file:
 * the first one, {@code [0]}, written as a single 0 byte; another as its path of indexes), then the message in
 * Protobuf binary. A binding may name the message ({@link #forMessage}); else it is the file's first.
 */
final class ProtobufPayloadSchema implements PayloadSchema {

    /** The message indexes [0], the file's first message, as the serializers shorten them: one zero byte. */
    private static final byte[] FIRST_MESSAGE = {0};

    private final RegisteredSchema registered;
    private final Descriptors.FileDescriptor file;
    private final Descriptors.Descriptor message;
    /** The message-index array of {@link #message}, written before each encoded message. */
    private final byte[] messageIndexes;
    /** Views of this file for other messages, by full name (a binding names one; built once, then read). */
    private final ConcurrentHashMap<String, ProtobufPayloadSchema> byMessage;

    private final JsonFormat.Parser parser = JsonFormat.parser();
    private final JsonFormat.Printer printer =
            JsonFormat.printer().omittingInsignificantWhitespace().preservingProtoFieldNames();

    /** @param references the files it imports, by import path, those imported before those that import them */
    ProtobufPayloadSchema(RegisteredSchema registered, Map<String, RegisteredSchema> references) {
        this.registered = registered;
        Map<String, Descriptors.FileDescriptor> compiled = new HashMap<>();
        for (Map.Entry<String, RegisteredSchema> r : references.entrySet()) {
            compiled.put(
                    r.getKey(),
                    ProtoDescriptors.compile(r.getKey(), r.getValue().text(), compiled));
        }
        this.file = ProtoDescriptors.compile("schema-" + registered.id() + ".proto", registered.text(), compiled);
        if (file.getMessageTypes().isEmpty()) {
            throw new IllegalArgumentException("the .proto file of schema " + registered.id() + " has no message");
        }
        this.message = file.getMessageTypes().get(0);
        this.messageIndexes = FIRST_MESSAGE;
        this.byMessage = new ConcurrentHashMap<>();
    }

    private ProtobufPayloadSchema(ProtobufPayloadSchema of, Descriptors.Descriptor message) {
        this.registered = of.registered;
        this.file = of.file;
        this.message = message;
        this.messageIndexes = indexesOf(message);
        this.byMessage = of.byMessage;
    }

    @Override
    public ProtobufPayloadSchema forMessage(String fullName) {
        ProtobufPayloadSchema known = byMessage.get(fullName);
        if (known != null) {
            return known;
        }
        Descriptors.Descriptor named = find(fullName);
        if (named == null) {
            throw new IllegalArgumentException("schema " + registered.id() + " has no message " + fullName
                    + " (its messages: "
                    + file.getMessageTypes().stream()
                            .map(Descriptors.Descriptor::getFullName)
                            .toList()
                    + ")");
        }
        return byMessage.computeIfAbsent(fullName, n -> new ProtobufPayloadSchema(this, named));
    }

    /** A top-level or nested message of the file by its full name ({@code package.Outer.Inner}). */
    private Descriptors.@Nullable Descriptor find(String fullName) {
        String pkg = file.getPackage();
        String relative =
                pkg.isEmpty() ? fullName : fullName.startsWith(pkg + ".") ? fullName.substring(pkg.length() + 1) : null;
        if (relative == null) {
            return null;
        }
        String[] names = relative.split("\\.", -1);
        Descriptors.Descriptor found = file.findMessageTypeByName(names[0]);
        for (int i = 1; i < names.length && found != null; i++) {
            found = found.findNestedTypeByName(names[i]);
        }
        return found;
    }

    /**
     * The message-index array of a message: its path of indexes from the file's messages down through nested
     * ones, as a zigzag varint count and zigzag varint indexes; [0] shortened to one zero byte as the
     * serializers do.
     */
    private static byte[] indexesOf(Descriptors.Descriptor message) {
        List<Integer> path = new ArrayList<>();
        for (Descriptors.Descriptor d = message; d != null; d = d.getContainingType()) {
            path.add(0, d.getIndex());
        }
        if (path.size() == 1 && path.get(0) == 0) {
            return FIRST_MESSAGE;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            out.writeSInt32NoTag(path.size());
            for (int index : path) {
                out.writeSInt32NoTag(index);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return bytes.toByteArray();
    }

    @Override
    public RegisteredSchema registered() {
        return registered;
    }

    /** The message payloads are checked against and encoded with: the file's first unless a binding named one. */
    Descriptors.Descriptor message() {
        return message;
    }

    @Override
    public void validate(byte[] json) throws InvalidPayloadException {
        parse(json);
    }

    @Override
    public byte[] encode(byte[] json) throws InvalidPayloadException {
        DynamicMessage m = parse(json);
        byte[] out = new byte[messageIndexes.length + m.getSerializedSize()];
        System.arraycopy(messageIndexes, 0, out, 0, messageIndexes.length);
        CodedOutputStream coded = CodedOutputStream.newInstance(out, messageIndexes.length, m.getSerializedSize());
        try {
            m.writeTo(coded);
        } catch (IOException e) {
            throw new InvalidPayloadException("payload cannot be written with schema " + registered.id() + ": " + e);
        }
        return out;
    }

    @Override
    public byte[] toJson(byte[] body) throws InvalidPayloadException {
        CodedInputStream in = CodedInputStream.newInstance(body);
        try {
            Descriptors.Descriptor type = messageAt(in);
            DynamicMessage m = DynamicMessage.parseFrom(type, in);
            return printer.print(m).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidPayloadException(
                    "record is not Protobuf of schema " + registered.id() + ": " + e.getMessage());
        }
    }

    private DynamicMessage parse(byte[] json) throws InvalidPayloadException {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(message);
        try {
            parser.merge(new String(json, StandardCharsets.UTF_8), builder);
            return builder.build();
        } catch (InvalidProtocolBufferException | UninitializedMessageException e) {
            throw new InvalidPayloadException("payload does not match " + message.getFullName() + " (schema "
                    + registered.id() + "): " + e.getMessage());
        } catch (RuntimeException e) { // JsonFormat lets some of Gson's errors out as they are
            throw new InvalidPayloadException("payload is not JSON: " + e.getMessage());
        }
    }

    /**
     * The message the record's index array names: a zigzag varint count, then that many zigzag varint indexes,
     * the first into the file's messages, the next into that one's nested messages; a count of 0 means [0].
     */
    private Descriptors.Descriptor messageAt(CodedInputStream in) throws IOException {
        int count = in.readSInt32();
        if (count == 0) {
            return file.getMessageTypes().get(0);
        }
        if (count < 0 || count > 32) {
            throw new InvalidProtocolBufferException("bad message-index count " + count);
        }
        List<Descriptors.Descriptor> candidates = file.getMessageTypes();
        Descriptors.Descriptor type = null;
        for (int i = 0; i < count; i++) {
            int index = in.readSInt32();
            if (index < 0 || index >= candidates.size()) {
                throw new InvalidProtocolBufferException("no message at index " + index);
            }
            type = candidates.get(index);
            candidates = type.getNestedTypes();
        }
        return type;
    }
}
