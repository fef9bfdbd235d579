/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementDeltaTest {

    private static final Entity.Mapping SENSORS =
            new Entity.Mapping("sensors", 1, "sensors/#", "mqtt.sensors", "{1}", null);

    @Test
    void replayBuildsANewImageAndLeavesTheOldOneAsItWas() {
        PlacementDelta delta = new PlacementDelta(PlacementImage.EMPTY);
        delta.replay(PlacementKey.of(SENSORS), SENSORS, 4);
        PlacementImage image = delta.apply();

        assertThat(image.mappings()).containsOnlyKeys("sensors");
        assertThat(image.offset()).isEqualTo(4);
        assertThat(PlacementImage.EMPTY.mappings()).isEmpty();
        assertThat(delta.changed()).containsExactly(new PlacementKey(Kind.MAPPING, "sensors"));
    }

    @Test
    void untouchedKindsAreSharedBetweenImages() {
        PlacementDelta first = new PlacementDelta(PlacementImage.EMPTY);
        first.replay(PlacementKey.of(SENSORS), SENSORS, 0);
        PlacementImage one = first.apply();

        PlacementDelta second = new PlacementDelta(one);
        Entity.Config cfg = new Entity.Config("sys.interval.ms", 1, "5000");
        second.replay(PlacementKey.of(cfg), cfg, 1);
        PlacementImage two = second.apply();

        assertThat(two.mappings()).isSameAs(one.mappings());
        assertThat(two.configs()).containsEntry("sys.interval.ms", cfg);
    }

    @Test
    void aTombstoneDeletesAndARepeatedStateIsNoChange() {
        PlacementDelta first = new PlacementDelta(PlacementImage.EMPTY);
        first.replay(PlacementKey.of(SENSORS), SENSORS, 0);
        PlacementImage one = first.apply();

        PlacementDelta same = new PlacementDelta(one);
        same.replay(PlacementKey.of(SENSORS), SENSORS, 1);
        assertThat(same.isEmpty()).isTrue();
        assertThat(same.apply().offset()).isEqualTo(1);

        PlacementDelta delete = new PlacementDelta(one);
        delete.replay(PlacementKey.of(SENSORS), null, 2);
        assertThat(delete.apply().mappings()).isEmpty();
        assertThat(delete.changed()).containsExactly(PlacementKey.of(SENSORS));
    }

    @Test
    void imagesCannotBeModified() {
        PlacementDelta delta = new PlacementDelta(PlacementImage.EMPTY);
        delta.replay(PlacementKey.of(SENSORS), SENSORS, 0);
        PlacementImage image = delta.apply();
        assertThatThrownBy(() -> image.mappings().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void keysParseKindAndNameAndRejectTheRest() {
        assertThat(PlacementKey.parse("acl/room/1".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new PlacementKey(Kind.ACL, "room/1"));
        assertThat(PlacementKey.parse("widget/x".getBytes(StandardCharsets.UTF_8)))
                .isNull();
        assertThat(PlacementKey.parse("node/".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(PlacementKey.parse("node".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(PlacementKey.parse(null)).isNull();
    }

    @Test
    void everyKindRoundTripsThroughJson() {
        List<Entity> entities = List.of(
                new Entity.Node("n1", 3, List.of("mqtt://10.0.0.1:1883"), 1700000000000L, "0.1.0"),
                new Entity.Config("sys.interval.ms", 1, "5000"),
                SENSORS,
                new Entity.User("alice", 2, "SCRAM-SHA-256", 4096, "c2FsdA==", "c3RvcmVk", "c2VydmVy"),
                new Entity.Acl(
                        "alice-sensors", 1, "alice", Entity.Action.PUBLISH, "sensors/alice/#", Entity.Permission.ALLOW),
                new Entity.Schema("fixes", 4, "fixes/#", "fixes-value", "protobuf", "validate", null, "fleet.Fix"),
                new Entity.Schema("raw", 1, "raw/#", "raw-value", "avro", "off", "encoded", null));
        for (Entity e : entities) {
            assertThat(PlacementCodec.decode(PlacementKey.of(e), PlacementCodec.encode(e)))
                    .isEqualTo(e);
        }
    }

    @Test
    void unknownFieldsAreIgnoredAndBadValuesRejectedWithTheReason() {
        PlacementKey key = new PlacementKey(Kind.CONFIG, "a");
        byte[] newer =
                "{\"name\":\"a\",\"version\":1,\"value\":\"v\",\"addedLater\":true}".getBytes(StandardCharsets.UTF_8);
        assertThat(PlacementCodec.decode(key, newer)).isEqualTo(new Entity.Config("a", 1, "v"));
        byte[] olderSchema = ("{\"name\":\"s\",\"version\":2,\"filter\":\"a/#\",\"subject\":\"s-value\","
                        + "\"format\":\"protobuf\",\"mode\":\"validate\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(PlacementCodec.decode(new PlacementKey(Kind.SCHEMA, "s"), olderSchema))
                .as("a binding written before bindings named messages")
                .isEqualTo(new Entity.Schema("s", 2, "a/#", "s-value", "protobuf", "validate", null, null));

        assertThatThrownBy(() -> PlacementCodec.decode(key, "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid config");
        byte[] otherName = "{\"name\":\"b\",\"version\":1,\"value\":\"v\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PlacementCodec.decode(key, otherName))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("named b");
    }
}
