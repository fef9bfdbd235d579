/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UninitializedMessageException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Protobuf schema of the registry. Devices send the message in Protobuf's JSON mapping (field names as in
 * the {@code .proto} or their lowerCamelCase JSON names; 64-bit integers may be strings, bytes are base64,
 * enums are names); a field the message does not have is refused. The record body is what Confluent's and
 * Apicurio's Protobuf serializers write after the id: the message-index array (which message of the file:
 * the first one, {@code [0]}, written as a single 0 byte), then the message in Protobuf binary.
 */
final class ProtobufPayloadSchema implements PayloadSchema {

    /** The message indexes [0], the file's first message, as the serializers shorten them: one zero byte. */
    private static final byte[] FIRST_MESSAGE = {0};

    private final RegisteredSchema registered;
    private final Descriptors.FileDescriptor file;
    private final Descriptors.Descriptor message;
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
    }

    @Override
    public RegisteredSchema registered() {
        return registered;
    }

    /** The message payloads are checked against and encoded with: the file's first. */
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
        byte[] out = new byte[FIRST_MESSAGE.length + m.getSerializedSize()];
        System.arraycopy(FIRST_MESSAGE, 0, out, 0, FIRST_MESSAGE.length);
        CodedOutputStream coded = CodedOutputStream.newInstance(out, FIRST_MESSAGE.length, m.getSerializedSize());
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
            return message;
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
