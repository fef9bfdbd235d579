/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttProperties;
import org.junit.jupiter.api.Test;

/** What a CONNECT and the server's policy settle for one connection. */
class ConnectPolicyTest {

    private static MqttProperties props(int... idValuePairs) {
        MqttProperties props = new MqttProperties();
        for (int i = 0; i < idValuePairs.length; i += 2) {
            props.add(new MqttProperties.IntegerProperty(idValuePairs[i], idValuePairs[i + 1]));
        }
        return props;
    }

    @Test
    void keepAliveAboveTheMaximumOrZeroIsLoweredAndAnnounced() {
        ConnectPolicy policy = new ConnectPolicy(10, 30, "reply/");
        var tooLong = policy.negotiate(true, "c", 120, props());
        assertThat(tooLong.keepAliveSeconds()).isEqualTo(30);
        assertThat(tooLong.serverKeepAlive()).isTrue();
        var none = policy.negotiate(true, "c", 0, props());
        assertThat(none.keepAliveSeconds()).isEqualTo(30);
        assertThat(none.serverKeepAlive()).isTrue();
        // [MQTT-3.2.2-22]: without a Server Keep Alive the server uses the client's value.
        var shorter = policy.negotiate(true, "c", 10, props());
        assertThat(shorter.keepAliveSeconds()).isEqualTo(10);
        assertThat(shorter.serverKeepAlive()).isFalse();
        MqttProperties connack = new MqttProperties();
        shorter.addTo(connack);
        assertThat(connack.getProperty(MqttProperties.SERVER_KEEP_ALIVE)).isNull();
    }

    @Test
    void mqtt311ClientsKeepTheirKeepAliveAndGetNoMqtt5Features() {
        var v3 = new ConnectPolicy(10, 30, "reply/").negotiate(false, "c", 120, MqttProperties.NO_PROPERTIES);
        assertThat(v3.keepAliveSeconds()).isEqualTo(120);
        assertThat(v3.serverKeepAlive()).isFalse();
        assertThat(v3.clientTopicAliasMaximum()).isZero();
    }

    @Test
    void responseInformationOnlyWhenRequested() {
        ConnectPolicy policy = new ConnectPolicy(10, 0, "reply/");
        assertThat(policy.negotiate(true, "c1", 60, props(MqttProperties.REQUEST_RESPONSE_INFORMATION, 1))
                        .responseInformation())
                .isEqualTo("reply/c1");
        // [MQTT-3.1.2-28]: 0 (or absent) means the server must not send it.
        assertThat(policy.negotiate(true, "c1", 60, props(MqttProperties.REQUEST_RESPONSE_INFORMATION, 0))
                        .responseInformation())
                .isNull();
        assertThat(policy.negotiate(true, "c1", 60, props()).responseInformation())
                .isNull();
        assertThat(new ConnectPolicy(10, 0, "")
                        .negotiate(true, "c1", 60, props(MqttProperties.REQUEST_RESPONSE_INFORMATION, 1))
                        .responseInformation())
                .isNull();
    }

    @Test
    void requestFlagsOtherThanZeroOrOneAreAProtocolError() {
        assertThat(ConnectPolicy.invalidRequestFlags(props(MqttProperties.REQUEST_PROBLEM_INFORMATION, 2)))
                .isNotNull();
        assertThat(ConnectPolicy.invalidRequestFlags(props(MqttProperties.REQUEST_RESPONSE_INFORMATION, 2)))
                .isNotNull();
        assertThat(ConnectPolicy.invalidRequestFlags(props(
                        MqttProperties.REQUEST_PROBLEM_INFORMATION, 0, MqttProperties.REQUEST_RESPONSE_INFORMATION, 1)))
                .isNull();
    }

    @Test
    void problemInformationAndClientAliasesComeFromTheConnect() {
        var n = ConnectPolicy.DEFAULTS.negotiate(
                true,
                "c",
                60,
                props(MqttProperties.REQUEST_PROBLEM_INFORMATION, 0, MqttProperties.TOPIC_ALIAS_MAXIMUM, 5));
        assertThat(n.problemInformation()).isFalse();
        assertThat(n.clientTopicAliasMaximum()).isEqualTo(5);
        assertThat(n.topicAliasMaximum()).isEqualTo(10);
        assertThat(ConnectPolicy.DEFAULTS.negotiate(true, "c", 60, props()).problemInformation())
                .isTrue();
    }
}
