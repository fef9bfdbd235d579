/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.protocol;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.tributary.mqtt.wire.PropertiesMapper;
import org.jspecify.annotations.Nullable;

/**
 * The server's side of what an MQTT 5 CONNECT / CONNACK exchange settles for one connection: topic aliases,
 * keep alive, response information and problem information. {@link #negotiate} combines it with a CONNECT.
 *
 * @param topicAliasMaximum          aliases a client may use towards the server (0: none)
 * @param keepAliveMaxSeconds        largest keep alive accepted from an MQTT 5 client (0: any)
 * @param responseInformationPrefix  Response Information is this prefix plus the client id (empty: never sent)
 */
public record ConnectPolicy(int topicAliasMaximum, int keepAliveMaxSeconds, String responseInformationPrefix) {

    public static final ConnectPolicy DEFAULTS = new ConnectPolicy(10, 0, "reply/");

    /** Why the CONNECT's request flags break the protocol, or null (MQTT 5 sections 3.1.2.11.6 and 3.1.2.11.7). */
    public static @Nullable String invalidRequestFlags(MqttProperties connect) {
        Integer response = PropertiesMapper.intValue(connect, MqttProperties.REQUEST_RESPONSE_INFORMATION);
        Integer problem = PropertiesMapper.intValue(connect, MqttProperties.REQUEST_PROBLEM_INFORMATION);
        return (response != null && response > 1) || (problem != null && problem > 1)
                ? "Request Response / Problem Information other than 0 or 1"
                : null;
    }

    /** What this connection uses, given the client's CONNECT. MQTT 3.1.1 connections get no MQTT 5 features. */
    public Negotiated negotiate(boolean v5, String clientId, int clientKeepAlive, MqttProperties connect) {
        if (!v5) {
            // MQTT 3.1.1 has no Server Keep Alive: capping silently would make the server close a client that
            // pings exactly as it said it would, so 3.1.1 clients keep their own keep alive.
            return new Negotiated(clientKeepAlive, false, 0, 0, true, null);
        }
        int keepAlive = clientKeepAlive;
        boolean serverKeepAlive = false;
        if (keepAliveMaxSeconds > 0 && (clientKeepAlive == 0 || clientKeepAlive > keepAliveMaxSeconds)) {
            keepAlive = keepAliveMaxSeconds; // sent as Server Keep Alive, which the client must use [MQTT-3.2.2-21]
            serverKeepAlive = true;
        }
        Integer clientAliases = PropertiesMapper.intValue(connect, MqttProperties.TOPIC_ALIAS_MAXIMUM);
        Integer problem = PropertiesMapper.intValue(connect, MqttProperties.REQUEST_PROBLEM_INFORMATION);
        Integer response = PropertiesMapper.intValue(connect, MqttProperties.REQUEST_RESPONSE_INFORMATION);
        // Response Information only when asked for (absent means 0) [MQTT-3.1.2-28].
        String responseInformation = response != null && response == 1 && !responseInformationPrefix.isEmpty()
                ? responseInformationPrefix + clientId
                : null;
        return new Negotiated(
                keepAlive,
                serverKeepAlive,
                topicAliasMaximum,
                clientAliases == null ? 0 : clientAliases,
                problem == null || problem == 1,
                responseInformation);
    }

    /**
     * The outcome for one connection.
     *
     * @param keepAliveSeconds        keep alive the server enforces (0: none)
     * @param serverKeepAlive         whether CONNACK carries it as Server Keep Alive
     * @param topicAliasMaximum       inbound aliases accepted (advertised in CONNACK)
     * @param clientTopicAliasMaximum outbound aliases the client accepts (0: the server must not send any)
     * @param problemInformation      false when the client asked for no Reason String / User Properties on packets
     *                                other than PUBLISH, CONNACK and DISCONNECT [MQTT-3.1.2-29]
     * @param responseInformation     Response Information for CONNACK, or null
     */
    public record Negotiated(
            int keepAliveSeconds,
            boolean serverKeepAlive,
            int topicAliasMaximum,
            int clientTopicAliasMaximum,
            boolean problemInformation,
            @Nullable String responseInformation) {

        /** MQTT 3.1.1 defaults, for connections set up without a CONNECT of their own (tests). */
        public static final Negotiated NONE = new Negotiated(0, false, 0, 0, true, null);

        /** Adds what this connection settled on to an MQTT 5 CONNACK's properties. */
        public void addTo(MqttProperties connack) {
            // Always sent, 0 included: absent would also mean 0, but an explicit value is easier to debug.
            connack.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM, topicAliasMaximum));
            if (serverKeepAlive) {
                connack.add(new MqttProperties.IntegerProperty(MqttProperties.SERVER_KEEP_ALIVE, keepAliveSeconds));
            }
            if (responseInformation != null) {
                connack.add(
                        new MqttProperties.StringProperty(MqttProperties.RESPONSE_INFORMATION, responseInformation));
            }
        }
    }
}
