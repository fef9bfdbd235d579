/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.mqtt.admin.AdminService;
import io.tributary.placement.Entity;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a schema binding entity may say; the admin CLI and HTTP API refuse the rest before it is written. */
class SchemaBindingTest {

    static Entity.Schema entity(String filter, String format, String mode, String delivery) {
        return new Entity.Schema("b", 1, filter, "s-value", format, mode, delivery, null);
    }

    @Test
    void aValidBindingIsReadWithItsDefaults() {
        SchemaBinding b = SchemaBinding.of(entity("sensors/+/telemetry", "AVRO", "validate-and-encode", null));
        assertThat(b.format()).isEqualTo(SchemaFormat.AVRO);
        assertThat(b.mode()).isEqualTo(BindingMode.VALIDATE_AND_ENCODE);
        assertThat(b.deliverEncoded()).isFalse();
        assertThat(b.filter().matches("sensors/a/telemetry")).isTrue();
        assertThat(SchemaBinding.of(entity("a/#", "json", "off", "encoded")).deliverEncoded())
                .isTrue();
        assertThat(SchemaBinding.of(entity("a/#", "protobuf", "validate", null)).format())
                .isEqualTo(SchemaFormat.PROTOBUF);
    }

    @Test
    void badFieldsAreRefusedByTheAdminValidationWithTheReason() {
        AdminService.Validation validation = new AdminService.Validation(Set.of());
        assertThatThrownBy(() -> validation.validate(entity("a/#", "xml", "validate", null)))
                .hasMessageContaining("unknown schema format 'xml'");
        assertThatThrownBy(() -> validation.validate(entity("a/#", "json", "encode", null)))
                .hasMessageContaining("validate, validate-and-encode or off");
        assertThatThrownBy(() -> validation.validate(entity("a/#/b", "json", "validate", null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> validation.validate(entity("$share/g/a", "json", "validate", null)))
                .hasMessageContaining("$share");
        assertThatThrownBy(() -> validation.validate(entity("a/#", "json", "validate", "raw")))
                .hasMessageContaining("decoded or encoded");
        assertThatThrownBy(() -> validation.validate(
                        new Entity.Schema("b", 1, "a/#", "s-value", "avro", "validate", null, "x.Reading")))
                .hasMessageContaining("only applies to protobuf");
    }

    @Test
    void aProtobufBindingMayNameItsMessage() {
        SchemaBinding named = SchemaBinding.of(
                new Entity.Schema("b", 1, "a/#", "s-value", "protobuf", "validate", null, " fleet.v1.Position "));
        assertThat(named.message()).isEqualTo("fleet.v1.Position");
        assertThat(SchemaBinding.of(new Entity.Schema("b", 1, "a/#", "s-value", "protobuf", "validate", null, ""))
                        .message())
                .as("blank is the file's first message")
                .isNull();
        assertThat(SchemaBinding.of(entity("a/#", "protobuf", "validate", null)).message())
                .isNull();
    }
}
