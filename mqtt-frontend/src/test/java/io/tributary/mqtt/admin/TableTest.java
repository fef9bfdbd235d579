/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What people read from {@code bin/tributary admin}: aligned columns under a header, no trailing blanks. */
class TableTest {

    private static String print(Table t) {
        StringWriter out = new StringWriter();
        t.print(new PrintWriter(out, true));
        return out.toString();
    }

    @Test
    void columnsAreAlignedToTheirWidestCellAndTwoSpacesApart() {
        Table t = new Table("NAME", "FILTER", "VERSION")
                .row("telemetry", "factory/+/telemetry/#", 12)
                .row("m", "a", 1);

        assertThat(print(t)).isEqualTo("""
                        NAME       FILTER                 VERSION
                        telemetry  factory/+/telemetry/#  12
                        m          a                      1
                        """);
    }

    @Test
    void aMissingValueIsADashAndAnEmptyTableSaysNone() {
        assertThat(print(new Table("KEY", "MQTT-TOPIC").row(null, ""))).isEqualTo("KEY  MQTT-TOPIC\n-    -\n");
        assertThat(print(new Table("NAME", "VALUE"))).isEqualTo("NAME  VALUE\n(none)\n");
    }

    @Test
    void aRowMustFillEveryColumn() {
        assertThatThrownBy(() -> new Table("A", "B").row("only one"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 cells for 2 columns");
    }
}
