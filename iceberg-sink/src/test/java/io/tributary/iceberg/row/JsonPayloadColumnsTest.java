/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.iceberg.row;

import static io.tributary.iceberg.row.RowFixtures.plain;
import static io.tributary.iceberg.row.RowFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.iceberg.SinkInput;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class JsonPayloadColumnsTest {

    private static final RowSettings JSON = new RowSettings(
            List.of("site", "device"),
            true,
            RowSettings.PayloadFormat.JSON,
            RowSettings.NonJsonPayload.REJECT,
            "",
            false);

    private final RowConverter converter = new RowConverter(JSON);

    @Test
    void jsonValuesBecomeTypedColumns() {
        SinkInput first = plain("s/d", "{\"count\": 3, \"temp\": 21.5, \"on\": true, \"unit\": \"C\"}");
        Table table = RowFixtures.table(converter.initialSchema(first));

        GenericRecord row = write(converter, table, first);

        assertThat(table.schema().findType("count")).isEqualTo(Types.LongType.get());
        assertThat(table.schema().findType("temp")).isEqualTo(Types.DoubleType.get());
        assertThat(table.schema().findType("on")).isEqualTo(Types.BooleanType.get());
        assertThat(table.schema().findType("unit")).isEqualTo(Types.StringType.get());
        assertThat(row.getField("count")).isEqualTo(3L);
        assertThat(row.getField("temp")).isEqualTo(21.5);
        assertThat(row.getField("on")).isEqualTo(true);
        assertThat(row.getField("unit")).isEqualTo("C");
        assertThat(row.getField("device")).isEqualTo("d");
    }

    @Test
    void theInitialSchemaIsTheBaseColumnsThenThePayloadColumns() {
        Schema initial = converter.initialSchema(plain("s/d", "{\"temp\": 1.5}"));

        List<String> base = converter.baseSchema().columns().stream()
                .map(Types.NestedField::name)
                .toList();
        assertThat(initial.columns().stream().map(Types.NestedField::name))
                .startsWith(base.toArray(String[]::new))
                .endsWith("temp")
                .hasSize(base.size() + 1);
        assertThat(initial.findField("topic").isRequired()).isTrue();
    }

    @Test
    void nestedObjectsBecomeStructsAndArraysLists() {
        SinkInput input = plain(
                "s/d",
                "{\"reading\": {\"value\": 2, \"unit\": {\"si\": \"K\"}}, \"tags\": [\"a\", \"b\"],"
                        + " \"points\": [{\"x\": 1}, {\"x\": 2.5, \"y\": 3}], \"matrix\": [[1, 2], [3]]}");
        Table table = RowFixtures.table(converter.initialSchema(input));

        GenericRecord row = write(converter, table, input);

        Record reading = (Record) row.getField("reading");
        assertThat(reading.getField("value")).isEqualTo(2L);
        assertThat(((Record) reading.getField("unit")).getField("si")).isEqualTo("K");
        assertThat(row.getField("tags")).isEqualTo(List.of("a", "b"));
        assertThat(table.schema().findType("points.element.x")).isEqualTo(Types.DoubleType.get());
        List<?> points = (List<?>) row.getField("points");
        assertThat(((Record) points.get(0)).getField("x")).isEqualTo(1.0);
        assertThat(((Record) points.get(0)).getField("y")).isNull();
        assertThat(((Record) points.get(1)).getField("y")).isEqualTo(3L);
        assertThat(row.getField("matrix")).isEqualTo(List.of(List.of(1L, 2L), List.of(3L)));
    }

    @Test
    void aNewFieldIsAPlanToAddAnOptionalColumn() {
        Table table = RowFixtures.table(converter.initialSchema(plain("s/d", "{\"temp\": 1.5}")));
        write(converter, table, plain("s/d", "{\"temp\": 1.5}"));

        Conversion conversion = converter.convert(
                plain("s/d", "{\"temp\": 2.5, \"humidity\": 40, \"gps\": {\"lat\": 1.0}}"), table.schema());

        assertThat(conversion).isInstanceOf(SchemaPlan.class);
        assertThat(((SchemaPlan) conversion).changes())
                .containsExactly(
                        new SchemaPlan.AddColumn(null, "humidity", Types.LongType.get()),
                        new SchemaPlan.AddColumn(
                                null,
                                "gps",
                                Types.StructType.of(Types.NestedField.optional(1, "lat", Types.DoubleType.get()))));
        ((SchemaPlan) conversion).applyTo(table.updateSchema()).commit();
        table.refresh();
        assertThat(table.schema().findField("humidity").isOptional()).isTrue();
        GenericRecord row =
                write(converter, table, plain("s/d", "{\"temp\": 2.5, \"humidity\": 40, \"gps\": {\"lat\": 1.0}}"));
        assertThat(row.getField("humidity")).isEqualTo(40L);
    }

    @Test
    void aNewFieldInsideAStructIsAddedToThatStruct() {
        Table table = RowFixtures.table(converter.initialSchema(plain("s/d", "{\"gps\": {\"lat\": 1.0}}")));

        Conversion conversion =
                converter.convert(plain("s/d", "{\"gps\": {\"lat\": 1.0, \"lon\": 2.0}}"), table.schema());

        assertThat(((SchemaPlan) conversion).changes())
                .containsExactly(new SchemaPlan.AddColumn("gps", "lon", Types.DoubleType.get()));
        GenericRecord row = write(converter, table, plain("s/d", "{\"gps\": {\"lat\": 1.0, \"lon\": 2.0}}"));
        assertThat(((Record) row.getField("gps")).getField("lon")).isEqualTo(2.0);
    }

    @Test
    void intAndFloatColumnsWidenToLongAndDouble() {
        Schema schema = converter.baseSchema();
        Table table = RowFixtures.table(schema);
        table.updateSchema()
                .addColumn("small", Types.IntegerType.get())
                .addColumn("ratio", Types.FloatType.get())
                .commit();
        table.refresh();

        GenericRecord fits = write(converter, table, plain("s/d", "{\"small\": 7, \"ratio\": 0.5}"));
        assertThat(fits.getField("small")).isEqualTo(7);
        assertThat(fits.getField("ratio")).isEqualTo(0.5f);

        Conversion conversion =
                converter.convert(plain("s/d", "{\"small\": 5000000000, \"ratio\": 0.1}"), table.schema());
        assertThat(((SchemaPlan) conversion).changes())
                .containsExactly(
                        new SchemaPlan.WidenColumn("small", Types.LongType.get()),
                        new SchemaPlan.WidenColumn("ratio", Types.DoubleType.get()));
        GenericRecord widened = write(converter, table, plain("s/d", "{\"small\": 5000000000, \"ratio\": 0.1}"));
        assertThat(table.schema().findType("small")).isEqualTo(Types.LongType.get());
        assertThat(widened.getField("small")).isEqualTo(5_000_000_000L);
        assertThat(widened.getField("ratio")).isEqualTo(0.1);
    }

    @Test
    void anIntegerFitsADoubleColumn() {
        Table table = RowFixtures.table(converter.initialSchema(plain("s/d", "{\"temp\": 20.5}")));

        assertThat(write(converter, table, plain("s/d", "{\"temp\": 20}")).getField("temp"))
                .isEqualTo(20.0);
    }

    @Test
    void integersCanStartAsDoubleColumns() {
        RowConverter doubles = new RowConverter(new RowSettings(
                List.of(), true, RowSettings.PayloadFormat.JSON, RowSettings.NonJsonPayload.REJECT, "", true));
        Table table = RowFixtures.table(doubles.initialSchema(plain("s/d", "{\"temp\": 20}")));

        assertThat(table.schema().findType("temp")).isEqualTo(Types.DoubleType.get());
        assertThat(write(doubles, table, plain("s/d", "{\"temp\": 20.5}")).getField("temp"))
                .isEqualTo(20.5);
    }

    @Test
    void aPrefixNamesTopLevelPayloadColumns() {
        RowConverter prefixed = new RowConverter(new RowSettings(
                List.of(), true, RowSettings.PayloadFormat.JSON, RowSettings.NonJsonPayload.REJECT, "p_", false));
        SinkInput input = plain("s/d", "{\"topic\": \"x\", \"gps\": {\"lat\": 1.5}}");
        Table table = RowFixtures.table(prefixed.initialSchema(input));

        GenericRecord row = write(prefixed, table, input);

        assertThat(row.getField("topic")).isEqualTo("s/d");
        assertThat(row.getField("p_topic")).isEqualTo("x");
        assertThat(table.schema().findType("p_gps.lat")).isEqualTo(Types.DoubleType.get());
    }

    @Test
    void dotsInFieldNamesBecomeUnderscores() {
        SinkInput input = plain("s/d", "{\"temp.c\": 1, \"a\": {\"b.c\": \"x\"}}");
        Table table = RowFixtures.table(converter.initialSchema(input));

        GenericRecord row = write(converter, table, input);

        assertThat(row.getField("temp_c")).isEqualTo(1L);
        assertThat(((Record) row.getField("a")).getField("b_c")).isEqualTo("x");
    }

    @Test
    void unicodeNamesAndValuesArriveIntact() {
        SinkInput input =
                plain("s/d", "{\"température\": 21.5, \"名前\": \"センサー🌡\", \"note\": \"\\u00e9\\ud83d\\ude00\"}");
        Table table = RowFixtures.table(converter.initialSchema(input));

        GenericRecord row = write(converter, table, input);

        assertThat(row.getField("température")).isEqualTo(21.5);
        assertThat(row.getField("名前")).isEqualTo("センサー🌡");
        assertThat(row.getField("note")).isEqualTo("é😀");
    }

    @Test
    void nullsEmptyArraysAndEmptyObjectsAddNoColumnYet() {
        SinkInput input = plain("s/d", "{\"a\": null, \"b\": [], \"c\": {}, \"d\": [null], \"e\": 1}");

        Schema initial = converter.initialSchema(input);

        assertThat(initial.findField("a")).isNull();
        assertThat(initial.findField("b")).isNull();
        assertThat(initial.findField("c")).isNull();
        assertThat(initial.findField("d")).isNull();
        assertThat(write(converter, RowFixtures.table(initial), input).getField("e"))
                .isEqualTo(1L);
    }

    @Test
    void anEmptyPayloadHasNoPayloadColumns() {
        Table table = RowFixtures.table(converter.initialSchema(plain("s/d", "{\"temp\": 1.5}")));

        GenericRecord row = write(converter, table, plain("s/d", ""));

        assertThat(row.getField("temp")).isNull();
        assertThat(row.getField("payload")).isEqualTo(ByteBuffer.allocate(0));
    }
}
