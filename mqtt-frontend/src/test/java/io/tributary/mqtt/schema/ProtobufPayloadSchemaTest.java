/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Protobuf schemas from their {@code .proto} text: JSON checked and encoded with the message-index array, read
 * back by a descriptor written by hand (not by the class under test), and the body of other producers decoded.
 */
class ProtobufPayloadSchemaTest {

    static final String READING = """
            syntax = "proto3";
            package sensors.v1;

            message Reading {
              double temp = 1;
              string unit = 2;
              repeated int32 codes = 3;
              Status status = 4;
              map<string, double> extra = 5;
              Location where = 6;
              oneof source {
                string device = 7;
                int64 gateway = 8;
              }
              optional string note = 9;

              enum Status { UNKNOWN = 0; OK = 1; FAULTY = 2; }
              message Location { double lat = 1; double lon = 2; }
            }

            message Other { string name = 1; }
            """;
    static final ObjectMapper JSON = new ObjectMapper();

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static ProtobufPayloadSchema compile(String text) {
        return (ProtobufPayloadSchema)
                PayloadSchema.compile(new RegisteredSchema(7, "s-value", 1, SchemaFormat.PROTOBUF, text));
    }

    /** {@code message Reading { double temp = 1; string unit = 2; repeated int32 codes = 3; }}, built by hand. */
    static Descriptors.Descriptor handWrittenReading() throws Exception {
        DescriptorProto reading = DescriptorProto.newBuilder()
                .setName("Reading")
                .addField(field("temp", 1, FieldDescriptorProto.Type.TYPE_DOUBLE, false))
                .addField(field("unit", 2, FieldDescriptorProto.Type.TYPE_STRING, false))
                .addField(field("codes", 3, FieldDescriptorProto.Type.TYPE_INT32, true))
                .build();
        FileDescriptorProto file = FileDescriptorProto.newBuilder()
                .setName("hand.proto")
                .setSyntax("proto3")
                .setPackage("sensors.v1")
                .addMessageType(reading)
                .build();
        return Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0])
                .findMessageTypeByName("Reading");
    }

    static FieldDescriptorProto field(String name, int number, FieldDescriptorProto.Type type, boolean repeated) {
        return FieldDescriptorProto.newBuilder()
                .setName(name)
                .setNumber(number)
                .setType(type)
                .setLabel(
                        repeated
                                ? FieldDescriptorProto.Label.LABEL_REPEATED
                                : FieldDescriptorProto.Label.LABEL_OPTIONAL)
                .build();
    }

    @Test
    void encodesTheFirstMessageBehindTheIndexArrayAndAnIndependentReaderReadsIt() throws Exception {
        byte[] body = compile(READING).encode(utf8("{\"temp\":21.5,\"unit\":\"C\",\"codes\":[3,4]}"));

        assertThat(body[0]).as("message indexes [0], as one zero byte").isZero();
        DynamicMessage read = DynamicMessage.parseFrom(handWrittenReading(), Arrays.copyOfRange(body, 1, body.length));
        Descriptors.Descriptor d = read.getDescriptorForType();
        assertThat(read.getField(d.findFieldByName("temp"))).isEqualTo(21.5);
        assertThat(read.getField(d.findFieldByName("unit"))).isEqualTo("C");
        assertThat(read.getField(d.findFieldByName("codes"))).isEqualTo(List.of(3, 4));
    }

    @Test
    void nestedMessagesEnumsMapsOneofsAndOptionalsGoThereAndBack() throws Exception {
        ProtobufPayloadSchema schema = compile(READING);
        String json =
                "{\"temp\":1.5,\"status\":\"FAULTY\",\"extra\":{\"rh\":40.5},\"where\":{\"lat\":1.25,\"lon\":2.5},"
                        + "\"gateway\":\"9007199254740993\",\"note\":\"\"}";
        JsonNode back = JSON.readTree(schema.toJson(schema.encode(utf8(json))));

        assertThat(back.get("status").asText()).isEqualTo("FAULTY");
        assertThat(back.get("extra").get("rh").asDouble()).isEqualTo(40.5);
        assertThat(back.get("where").get("lon").asDouble()).isEqualTo(2.5);
        assertThat(back.get("gateway").asText()).isEqualTo("9007199254740993"); // int64 stays exact, as a string
        assertThat(back.has("note"))
                .as("an optional field set to its default keeps its presence")
                .isTrue();
        assertThat(back.has("device")).isFalse();
    }

    @Test
    void payloadsThatDoNotMatchAreRefusedSayingWhy() {
        ProtobufPayloadSchema schema = compile(READING);
        assertThatThrownBy(() -> schema.validate(utf8("{\"temp\":\"hot\"}")))
                .isInstanceOf(PayloadSchema.InvalidPayloadException.class)
                .hasMessageContaining("sensors.v1.Reading");
        assertThatThrownBy(() -> schema.validate(utf8("{\"tmep\":1}")))
                .isInstanceOf(PayloadSchema.InvalidPayloadException.class)
                .hasMessageContaining("tmep");
        assertThatThrownBy(() -> schema.validate(utf8("{\"status\":\"BROKEN\"}")))
                .isInstanceOf(PayloadSchema.InvalidPayloadException.class);
        assertThatThrownBy(() -> schema.validate(utf8("{\"device\":\"a\",\"gateway\":1}")))
                .as("two members of one oneof")
                .isInstanceOf(PayloadSchema.InvalidPayloadException.class);
        assertThatThrownBy(() -> schema.validate(utf8("not json")))
                .isInstanceOf(PayloadSchema.InvalidPayloadException.class);
    }

    @Test
    void aRecordOfAnotherProducerNamingTheSecondMessageIsDecodedWithIt() throws Exception {
        ProtobufPayloadSchema schema = compile(READING);
        Descriptors.Descriptor other = schema.message().getFile().findMessageTypeByName("Other");
        byte[] message = DynamicMessage.newBuilder(other)
                .setField(other.findFieldByName("name"), "boiler")
                .build()
                .toByteArray();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        CodedOutputStream indexes = CodedOutputStream.newInstance(body);
        indexes.writeSInt32NoTag(1); // one index
        indexes.writeSInt32NoTag(1); // the file's second message
        indexes.flush();
        body.write(message);

        assertThat(new String(schema.toJson(body.toByteArray()), StandardCharsets.UTF_8))
                .isEqualTo("{\"name\":\"boiler\"}");
    }

    @Test
    void aNamedMessageIsCheckedAndEncodedBehindItsOwnIndexPath() throws Exception {
        ProtobufPayloadSchema schema = compile(READING);

        ProtobufPayloadSchema other = schema.forMessage("sensors.v1.Other");
        byte[] body = other.encode(utf8("{\"name\":\"boiler\"}"));
        assertThat(Arrays.copyOfRange(body, 0, 2))
                .as("message indexes [1]: count 1 and index 1, zigzag varints")
                .containsExactly(2, 2);
        Descriptors.Descriptor otherType = schema.message().getFile().findMessageTypeByName("Other");
        DynamicMessage read = DynamicMessage.parseFrom(otherType, Arrays.copyOfRange(body, 2, body.length));
        assertThat(read.getField(otherType.findFieldByName("name"))).isEqualTo("boiler");
        assertThat(new String(schema.toJson(body), StandardCharsets.UTF_8))
                .as("any view of the file decodes by the record's own indexes")
                .isEqualTo("{\"name\":\"boiler\"}");
        assertThatThrownBy(() -> other.validate(utf8("{\"temp\":1}")))
                .isInstanceOf(PayloadSchema.InvalidPayloadException.class)
                .hasMessageContaining("sensors.v1.Other");

        ProtobufPayloadSchema location = schema.forMessage("sensors.v1.Reading.Location");
        byte[] nested = location.encode(utf8("{\"lat\":1.5}"));
        assertThat(Arrays.copyOfRange(nested, 0, 3))
                .as("message indexes [0, 0]: Reading, then its first nested message")
                .containsExactly(4, 0, 0);
        assertThat(JSON.readTree(schema.toJson(nested)).get("lat").asDouble()).isEqualTo(1.5);

        assertThat(schema.forMessage("sensors.v1.Reading").encode(utf8("{\"temp\":1}"))[0])
                .as("the first message keeps the one-zero-byte form")
                .isZero();
        assertThat(schema.forMessage("sensors.v1.Other")).isSameAs(other);
    }

    @Test
    void aMessageTheFileDoesNotHaveIsRefusedNamingThoseItHas() {
        ProtobufPayloadSchema schema = compile(READING);
        assertThatThrownBy(() -> schema.forMessage("sensors.v1.Missing"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sensors.v1.Missing")
                .hasMessageContaining("sensors.v1.Other");
        assertThatThrownBy(() -> schema.forMessage("other.pkg.Reading")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PayloadSchema.compile(
                                new RegisteredSchema(8, "a-value", 1, SchemaFormat.AVRO, "{\"type\":\"string\"}"))
                        .forMessage("x.Y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no messages");
    }

    @Test
    void importsAreResolvedFromTheSchemasReferencesAndWellKnownTypes() throws Exception {
        String common = """
                syntax = "proto3";
                package common;
                message Position { double lat = 1; double lon = 2; }
                """;
        String vehicle = """
                syntax = "proto3";
                package fleet;
                import "common/position.proto";
                import "google/protobuf/timestamp.proto";
                message Fix { common.Position at = 1; google.protobuf.Timestamp when = 2; }
                """;
        Map<String, RegisteredSchema> references = new LinkedHashMap<>();
        references.put("common/position.proto", new RegisteredSchema(3, "position", 1, SchemaFormat.PROTOBUF, common));
        PayloadSchema schema = PayloadSchema.compile(
                new RegisteredSchema(
                        4,
                        "fix-value",
                        1,
                        SchemaFormat.PROTOBUF,
                        vehicle,
                        List.of(new SchemaReference("common/position.proto", "position", 1))),
                references);

        byte[] json = utf8("{\"at\":{\"lat\":1.5,\"lon\":2.5},\"when\":\"2026-12-06T04:00:00Z\"}");
        JsonNode back = JSON.readTree(schema.toJson(schema.encode(json)));
        assertThat(back.get("at").get("lat").asDouble()).isEqualTo(1.5);
        assertThat(back.get("when").asText()).isEqualTo("2026-12-06T04:00:00Z");

        assertThatThrownBy(() -> PayloadSchema.compile(new RegisteredSchema(5, "x", 1, SchemaFormat.PROTOBUF, vehicle)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("common/position.proto");
    }

    @Test
    void aBrokenProtoFileIsRefusedWithTheParsersReason() {
        assertThatThrownBy(() -> compile("syntax = \"proto3\"; message A { strin x = 1; }"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strin");
        assertThatThrownBy(() -> compile("syntax = \"proto3\"; message A { int32 x = ; }"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
