/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** A setting the node does not know is named, with the nearest one it does; pass-through keys are left alone. */
class SettingNamesTest {

    private final SettingNames names = new SettingNames(
            BrokerConfig.CONFIG_DEF.names(), List.of("telemetry"), List.of(BrokerConfig.KAFKA_CLIENT_PREFIX));

    @Test
    void aTypoIsNamedWithTheNearestKnownSetting() {
        assertThat(names.unknown(List.of("mqtt.prot")))
                .containsExactly("unknown setting mqtt.prot (did you mean mqtt.port?)");
        assertThat(names.unknown(List.of("mqtt.max.packet.sise")))
                .containsExactly("unknown setting mqtt.max.packet.sise (did you mean mqtt.max.packet.size?)");
        assertThat(names.unknown(List.of("kafka.bootstrap")))
                .as("a key cut short")
                .containsExactly("unknown setting kafka.bootstrap (did you mean kafka.bootstrap.servers?)");
    }

    @Test
    void nothingCloseMeansNoSuggestion() {
        assertThat(names.unknown(List.of("colour.scheme"))).containsExactly("unknown setting colour.scheme");
    }

    @Test
    void knownSettingsAndPassThroughKeysAreAccepted() {
        assertThat(names.unknown(List.of(
                        "mqtt.port",
                        "strict.config",
                        "kafka.client.security.protocol",
                        "kafka.client.anything.the.client.checks",
                        "mapping.rule.telemetry.filter",
                        "mapping.rule.telemetry.mqtt.topic")))
                .isEmpty();
    }

    @Test
    void aMisspelledPassThroughPrefixIsCaught() {
        assertThat(names.unknown(List.of("kafka.clinet.security.protocol")))
                .containsExactly("unknown setting kafka.clinet.security.protocol "
                        + "(did you mean kafka.client.security.protocol?)");
    }

    @Test
    void mappingRuleFieldsAreCheckedForTheListedRules() {
        assertThat(names.unknown(List.of("mapping.rule.telemetry.fliter")))
                .containsExactly("unknown setting mapping.rule.telemetry.fliter "
                        + "(did you mean mapping.rule.telemetry.filter?)");
        assertThat(names.unknown(List.of("mapping.rule.telemtry.filter")))
                .as("a rule not in mapping.rules")
                .containsExactly("unknown setting mapping.rule.telemtry.filter "
                        + "(did you mean mapping.rule.telemetry.filter?)");
    }

    @Test
    void distanceCountsASwapOfNeighboursAsOneEdit() {
        assertThat(SettingNames.distance("prot", "port")).isEqualTo(1);
        assertThat(SettingNames.distance("port", "port")).isZero();
        assertThat(SettingNames.distance("", "abc")).isEqualTo(3);
        assertThat(SettingNames.distance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void brokerConfigFailsOnAnUnknownKeyUnlessStrictConfigIsOff() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("mqtt.prot", "1885");
        assertThatThrownBy(() -> new BrokerConfig(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting mqtt.prot (did you mean mqtt.port?)")
                .hasMessageContaining("strict.config=false");
        settings.put(BrokerConfig.STRICT_CONFIG_CONFIG, "false");
        assertThat(new BrokerConfig(settings).getInt(BrokerConfig.MQTT_PORT_CONFIG))
                .isEqualTo(BrokerConfig.MQTT_PORT_DEFAULT);
    }
}
