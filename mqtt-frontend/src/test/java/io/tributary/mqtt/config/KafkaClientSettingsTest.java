/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

final class KafkaClientSettingsTest {

    private final BrokerConfig config = new BrokerConfig(Map.of(
            BrokerConfig.NODE_ID_CONFIG,
            "node-a",
            "kafka.client.security.protocol",
            "SASL_SSL",
            "kafka.client.acks",
            "0",
            "kafka.client.linger.ms",
            "5"));
    private final Map<String, Object> common = KafkaClientSettings.common(config, "kafka-1:9092");

    @Test
    void everyClientGetsTheBootstrapServersAndThePassThroughWithoutItsPrefix() {
        assertEquals("kafka-1:9092", common.get("bootstrap.servers"));
        assertEquals("SASL_SSL", common.get("security.protocol"));
        assertFalse(common.keySet().stream().anyMatch(k -> k.startsWith(BrokerConfig.KAFKA_CLIENT_PREFIX)));
    }

    @Test
    void passThroughTunesTheProducerButCannotWeakenItsDeliveryGuarantees() {
        Map<String, Object> producer = KafkaClientSettings.producer(config, common);
        assertEquals("5", producer.get(ProducerConfig.LINGER_MS_CONFIG));
        assertEquals("all", producer.get(ProducerConfig.ACKS_CONFIG));
        assertEquals(true, producer.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertEquals(0, producer.get(ProducerConfig.MAX_BLOCK_MS_CONFIG));
        assertEquals("tributary-node-a", producer.get(ProducerConfig.CLIENT_ID_CONFIG));
        assertEquals(
                KafkaClientSettings.sessionRecordLimit(BrokerConfig.MAX_PACKET_SIZE_DEFAULT),
                producer.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    }

    @Test
    void shareConsumerJoinsItsGroupAndAcknowledgesExplicitly() {
        Map<String, Object> share = KafkaClientSettings.shareConsumer(config, common, "g1");
        assertEquals("g1", share.get(ConsumerConfig.GROUP_ID_CONFIG));
        assertEquals("tributary-node-a-g1", share.get(ConsumerConfig.CLIENT_ID_CONFIG));
        assertEquals("explicit", share.get(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG));
        assertEquals("SASL_SSL", share.get("security.protocol"));
    }

    @Test
    void theSettingsEveryClientTakesMayAlsoBeWrittenWithKafkaAlone() {
        BrokerConfig shortForm = new BrokerConfig(Map.of(
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.ssl.truststore.location", "/etc/kafka-truststore.p12",
                "kafka.bootstrap.servers", "kafka-1:9093"));
        Map<String, Object> props = KafkaClientSettings.common(shortForm, "kafka-1:9093");
        assertEquals("SASL_SSL", props.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"));
        assertEquals("/etc/kafka-truststore.p12", props.get("ssl.truststore.location"));
        assertEquals("SASL_SSL", KafkaClientSettings.producer(shortForm, props).get("security.protocol"));
        assertEquals("SASL_SSL", KafkaClientSettings.consumer(props).get("security.protocol"));
        assertEquals(
                "SASL_SSL",
                KafkaClientSettings.shareConsumer(shortForm, props, "g").get("security.protocol"));
        assertFalse(props.keySet().stream().anyMatch(k -> k.startsWith("kafka.")));
    }

    @Test
    void theShortFormLeavesOutNodeSettingsTheLongFormAndSettingsOfOneKindOfClient() {
        assertTrue(KafkaClientSettings.shortFormKeys().contains("kafka.sasl.jaas.config"));
        assertFalse(KafkaClientSettings.shortFormKeys().contains("kafka.bootstrap.servers")); // the node's own
        assertFalse(KafkaClientSettings.shortFormKeys().contains("kafka.client.id")); // reads as id of the long form
        assertFalse(KafkaClientSettings.shortFormKeys().contains("kafka.acks")); // producers only
        assertFalse(KafkaClientSettings.shortFormKeys().contains("kafka.group.id")); // consumers only
        ConfigException unknown =
                assertThrows(ConfigException.class, () -> new BrokerConfig(Map.of("kafka.acks", "1")));
        assertTrue(unknown.getMessage().contains("unknown setting kafka.acks"), unknown.getMessage());
        ConfigException typo =
                assertThrows(ConfigException.class, () -> new BrokerConfig(Map.of("kafka.securty.protocol", "SSL")));
        assertTrue(typo.getMessage().contains("did you mean kafka.security.protocol?"), typo.getMessage());
    }

    @Test
    void oneSettingInBothFormsWithTwoValuesFailsTheStart() {
        ConfigException both = assertThrows(
                ConfigException.class,
                () -> new BrokerConfig(
                        Map.of("kafka.security.protocol", "SASL_SSL", "kafka.client.security.protocol", "SSL")));
        assertTrue(both.getMessage().contains("kafka.security.protocol and kafka.client.security.protocol"));
        new BrokerConfig(Map.of("kafka.security.protocol", "SSL", "kafka.client.security.protocol", "SSL"));
    }

    @Test
    void sessionRecordLimitAdmitsAWillOfAWholePacketInBase64() {
        assertEquals(1_048_576 * 4 / 3 + 65536, KafkaClientSettings.sessionRecordLimit(1_048_576));
        assertEquals(Integer.MAX_VALUE, KafkaClientSettings.sessionRecordLimit(Integer.MAX_VALUE));
    }
}
