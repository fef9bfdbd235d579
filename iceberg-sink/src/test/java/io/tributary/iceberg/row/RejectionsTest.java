/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import static io.tributary.iceberg.row.RowFixtures.plain;
import static io.tributary.iceberg.row.RowFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.iceberg.SinkInput;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Conflicts, non-JSON payloads and large payloads: a reason or a row, never an exception or a wrong value. */
class RejectionsTest {

    private final RowConverter rejecting = new RowConverter(settings(RowSettings.NonJsonPayload.REJECT));
    private final RowConverter rawOnly = new RowConverter(settings(RowSettings.NonJsonPayload.RAW_ONLY));

    @Test
    void aStringWhereALongColumnIsIsRejected() {
        Table table = table("{\"count\": 3}");

        assertThat(reason(rejecting, table, "{\"count\": \"three\"}"))
                .isEqualTo("payload field 'count' is a string \"three\" but column 'count' is long");
    }

    @Test
    void aFractionWhereALongColumnIsIsRejectedWithTheWayOut() {
        Table table = table("{\"temp\": 20}");

        assertThat(reason(rejecting, table, "{\"temp\": 20.5}"))
                .contains("is a fractional number 20.5 but column 'temp' is long")
                .contains("Iceberg cannot widen it to double");
    }

    @Test
    void conflictsInsideStructsAndListsNameTheirPath() {
        Table table = table("{\"gps\": {\"lat\": 1.5}, \"tags\": [\"a\"]}");

        assertThat(reason(rejecting, table, "{\"gps\": {\"lat\": true}}")).contains("'gps.lat' is a boolean true");
        assertThat(reason(rejecting, table, "{\"tags\": [\"a\", 1]}")).contains("'tags.element' is an integer 1");
        assertThat(reason(rejecting, table, "{\"gps\": 5}"))
                .contains("'gps' is an integer 5 but column 'gps' is struct");
    }

    @Test
    void anArrayMixingTypesIsRejected() {
        Table table = table("{\"x\": 1}");

        assertThat(reason(rejecting, table, "{\"mixed\": [1, \"a\"]}"))
                .isEqualTo("payload array 'mixed' mixes long and string elements");
    }

    @Test
    void aConflictAnywhereWinsOverAPlan() {
        Table table = table("{\"count\": 3}");

        assertThat(reason(rejecting, table, "{\"new\": 1, \"count\": \"x\"}")).contains("'count'");
        assertThat(table.schema().findField("new")).isNull();
    }

    @Test
    void anIntegerBeyondLongIsRejected() {
        Table table = table("{\"x\": 1}");

        assertThat(reason(rejecting, table, "{\"big\": 123456789012345678901234567890}"))
                .contains("range of a long");
        assertThat(reason(rejecting, table, "{\"x\": 123456789012345678901234567890}"))
                .contains("column 'x' is long");
    }

    @Test
    void aFieldNamedLikeAnMqttColumnIsRejected() {
        Table table = table("{\"x\": 1}");

        assertThat(reason(rejecting, table, "{\"topic\": \"t\"}"))
                .contains("'topic', which is an MQTT column; set a payload column prefix");
    }

    @Test
    void fieldsThatWouldShareAColumnAreRejected() {
        Table table = table("{\"x\": 1}");

        assertThat(reason(rejecting, table, "{\"a.b\": 1, \"a_b\": 2}")).contains("would both be column 'a_b'");
        assertThat(reason(rejecting, table, "{\"\": 1}")).contains("empty name");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "21.5",
                "hello",
                "{\"a\": 1",
                "[1, 2]",
                "\"text\"",
                "{\"a\": 1} trailing",
                "{\"a\": 1, \"a\": 2}",
                "{\"a\": NaN}",
                "   "
            })
    void nonJsonObjectPayloadsAreRejectedOrKeptRaw(String payload) {
        Table table = table("{\"a\": 1}");

        assertThat(reason(rejecting, table, payload)).startsWith("payload is ");
        GenericRecord row = write(rawOnly, table, plain("s/d", payload));
        assertThat(row.getField("a")).isNull();
        assertThat(row.getField("payload"))
                .isEqualTo(java.nio.ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void binaryPayloadsAreNotJson() {
        Table table = table("{\"a\": 1}");
        SinkInput binary = new SinkInput("t", 0, 0, 0, withPayload(new byte[] {(byte) 0xff, 0, (byte) 0xfe}));

        assertThat(rejecting.convert(binary, table.schema())).isInstanceOf(Conversion.Rejected.class);
        assertThat(rawOnly.convert(binary, table.schema())).isInstanceOf(Conversion.Row.class);
    }

    @Test
    void aTenMegabyteStringIsConvertedInLinearTime() {
        Table table = table("{\"blob\": \"x\"}");
        String big = "é".repeat(5 * 1024 * 1024); // 10 MB of UTF-8
        SinkInput input = plain("s/d", "{\"blob\": \"" + big + "\"}");

        long start = System.nanoTime();
        GenericRecord row = write(rejecting, table, input);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(row.getField("blob")).isEqualTo(big);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTenMegabyteArrayIsConvertedInLinearTime() {
        Table table = table("{\"x\": 1}");
        StringBuilder json = new StringBuilder(11 * 1024 * 1024).append("{\"samples\": [");
        int count = 1_300_000;
        for (int i = 0; i < count; i++) {
            json.append(i == 0 ? "" : ",").append(1_000_000 + i);
        }
        String payload = json.append("]}").toString();
        assertThat(payload.length()).isGreaterThan(10_000_000);

        long start = System.nanoTime();
        GenericRecord row = write(rejecting, table, plain("s/d", payload));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat((List<Object>) row.getField("samples")).hasSize(count).endsWith((Object) (1_000_000L + count - 1));
    }

    @Test
    void aTenMegabyteNonJsonPayloadIsKeptRaw() {
        Table table = table("{\"x\": 1}");
        byte[] payload = new byte[10 * 1024 * 1024];
        java.util.Arrays.fill(payload, (byte) 'z');

        Conversion conversion = rawOnly.convert(new SinkInput("t", 0, 0, 0, withPayload(payload)), table.schema());

        assertThat(((Conversion.Row) conversion).record().getField("payload"))
                .isEqualTo(java.nio.ByteBuffer.wrap(payload));
        assertThat(((Conversion.Rejected)
                                rejecting.convert(new SinkInput("t", 0, 0, 0, withPayload(payload)), table.schema()))
                        .reason()
                        .length())
                .isLessThan(500);
    }

    private Table table(String firstPayload) {
        return RowFixtures.table(rejecting.initialSchema(plain("s/d", firstPayload)));
    }

    private static String reason(RowConverter converter, Table table, String payload) {
        Conversion conversion = converter.convert(plain("s/d", payload), table.schema());
        assertThat(conversion).isInstanceOf(Conversion.Rejected.class);
        return ((Conversion.Rejected) conversion).reason();
    }

    private static io.tributary.record.MqttRecord withPayload(byte[] payload) {
        return new io.tributary.record.MqttRecord(
                "s/d", payload, 0, false, "c", false, null, null, null, null, List.of());
    }

    private static RowSettings settings(RowSettings.NonJsonPayload nonJson) {
        return new RowSettings(List.of("site", "device"), true, RowSettings.PayloadFormat.JSON, nonJson, "", false);
    }
}
