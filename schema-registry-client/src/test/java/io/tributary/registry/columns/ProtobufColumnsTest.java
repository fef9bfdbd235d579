/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry.columns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Timestamp;
import io.tributary.registry.RegisteredSchema;
import io.tributary.registry.WireFormat;
import io.tributary.registry.columns.ColumnType.Column;
import io.tributary.registry.columns.ColumnType.ListOf;
import io.tributary.registry.columns.ColumnType.MapOf;
import io.tributary.registry.columns.ColumnType.Scalar;
import io.tributary.registry.columns.ColumnType.Struct;
import io.tributary.registry.proto.ProtoDescriptors;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtobufColumnsTest {

    private static final String COMMON = """
            syntax = "proto3";
            package geo;
            message Site { string room = 1; int32 floor = 2; }""";

    private static final String READING = """
            syntax = "proto3";
            package iot;
            import "common.proto";
            import "google/protobuf/timestamp.proto";
            import "google/protobuf/wrappers.proto";
            message Reading {
              enum Unit { CELSIUS = 0; KELVIN = 1; }
              double temp = 1;
              uint32 count = 2;
              Unit unit = 3;
              geo.Site site = 4;
              repeated string tags = 5;
              map<string, int64> labels = 6;
              google.protobuf.Timestamp at = 7;
              optional int64 humidity = 8;
              bytes raw = 9;
              google.protobuf.Int32Value level = 10;
              Tree tree = 11;
              message Tree { string name = 1; repeated Tree children = 2; }
            }
            message Status { bool on = 1; }""";

    @Test
    void fieldsOfTheFirstMessageBecomeTypedColumnsAndValues() throws Exception {
        RegisteredSchema schema = schema();
        Descriptors.Descriptor reading = compiled().findMessageTypeByName("Reading");
        DynamicMessage site = DynamicMessage.newBuilder(
                        reading.findFieldByName("site").getMessageType())
                .setField(reading.findFieldByName("site").getMessageType().findFieldByName("room"), "lab")
                .build();
        Descriptors.FieldDescriptor labels = reading.findFieldByName("labels");
        DynamicMessage label = DynamicMessage.newBuilder(labels.getMessageType())
                .setField(labels.getMessageType().findFieldByName("key"), "k")
                .setField(labels.getMessageType().findFieldByName("value"), 7L)
                .build();
        DynamicMessage message = DynamicMessage.newBuilder(reading)
                .setField(reading.findFieldByName("temp"), 20.5)
                .setField(reading.findFieldByName("count"), -1) // 2^32 - 1 as uint32
                .setField(
                        reading.findFieldByName("unit"),
                        reading.findEnumTypeByName("Unit").findValueByName("KELVIN"))
                .setField(reading.findFieldByName("site"), site)
                .addRepeatedField(reading.findFieldByName("tags"), "a")
                .addRepeatedField(labels, label)
                .setField(
                        reading.findFieldByName("at"),
                        toDynamic(Timestamp.newBuilder()
                                .setSeconds(1_765_000_000L)
                                .setNanos(5_000)
                                .build()))
                .setField(reading.findFieldByName("raw"), ByteString.copyFrom(new byte[] {1, 2}))
                .build();
        byte[] payload = WireFormat.encode(9, concat(new byte[] {0}, message.toByteArray()));

        PayloadColumns columns = SchemaColumns.of(schema).forPayload(payload);

        assertThat(columns.variant()).isEmpty();
        assertThat(columns.columns().fields())
                .containsExactly(
                        new Column("temp", Scalar.DOUBLE),
                        new Column("count", Scalar.LONG),
                        new Column("unit", Scalar.STRING),
                        new Column(
                                "site",
                                new Struct(
                                        List.of(new Column("room", Scalar.STRING), new Column("floor", Scalar.INT)))),
                        new Column("tags", new ListOf(Scalar.STRING)),
                        new Column("labels", new MapOf(Scalar.STRING, Scalar.LONG)),
                        new Column("at", Scalar.TIMESTAMP),
                        new Column("humidity", Scalar.LONG),
                        new Column("raw", Scalar.BINARY),
                        new Column("level", Scalar.INT),
                        new Column("tree", new Struct(List.of(new Column("name", Scalar.STRING)))));
        assertThat(columns.decode(payload))
                .isEqualTo(Arrays.asList(
                        20.5,
                        4_294_967_295L,
                        "KELVIN",
                        List.of("lab", 0),
                        List.of("a"),
                        Map.of("k", 7L),
                        Instant.ofEpochSecond(1_765_000_000L, 5_000),
                        null,
                        ByteBuffer.wrap(new byte[] {1, 2}),
                        null,
                        null));
    }

    @Test
    void theMessageIndexesChooseTheMessage() throws Exception {
        Descriptors.Descriptor status = compiled().findMessageTypeByName("Status");
        byte[] body = DynamicMessage.newBuilder(status)
                .setField(status.findFieldByName("on"), true)
                .build()
                .toByteArray();
        // [1]: a count of 1 and the index 1, each a zigzag varint.
        byte[] payload = WireFormat.encode(9, concat(new byte[] {2, 2}, body));

        PayloadColumns columns = SchemaColumns.of(schema()).forPayload(payload);

        assertThat(columns.variant()).isEqualTo("iot.Status");
        assertThat(columns.columns().fields()).containsExactly(new Column("on", Scalar.BOOLEAN));
        assertThat(columns.decode(payload)).containsExactly(true);
        assertThatThrownBy(() -> SchemaColumns.of(schema()).forPayload(WireFormat.encode(9, new byte[] {2, 8})))
                .isInstanceOf(UndecodablePayloadException.class)
                .hasMessageContaining("message indexes [4] name no message");
    }

    @Test
    void aBodyThatIsNotTheMessageIsUndecodable() throws Exception {
        byte[] payload = WireFormat.encode(9, new byte[] {0, 9, 1, 2});
        PayloadColumns columns = SchemaColumns.of(schema()).forPayload(payload);
        assertThatThrownBy(() -> columns.decode(payload))
                .isInstanceOf(UndecodablePayloadException.class)
                .hasMessageContaining("payload is not Protobuf of iot.Reading (schema id 9)");
    }

    private static RegisteredSchema schema() {
        return new RegisteredSchema(
                9,
                RegisteredSchema.Format.PROTOBUF,
                READING,
                List.of(new RegisteredSchema.Reference("common.proto", COMMON)));
    }

    private static Descriptors.FileDescriptor compiled() {
        Descriptors.FileDescriptor common = ProtoDescriptors.compile("common.proto", COMMON, Map.of());
        return ProtoDescriptors.compile("reading.proto", READING, Map.of("common.proto", common));
    }

    private static DynamicMessage toDynamic(Timestamp timestamp) throws Exception {
        return DynamicMessage.parseFrom(Timestamp.getDescriptor(), timestamp.toByteArray());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
