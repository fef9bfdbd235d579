/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.kafka;

import io.tributary.mqtt.message.Message;
import io.tributary.mqtt.message.MessageProperties;
import io.tributary.mqtt.message.MessageProperties.UserProperty;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * The record contract of docs/kafka-layout.md, both ways: MQTT metadata in {@code mqtt.*} headers, user
 * properties as the other headers. Any change here is a change of a public contract.
 */
public final class MessageRecordCodec {

    public static final String PREFIX = "mqtt.";
    public static final String TOPIC = "mqtt.topic";
    public static final String QOS = "mqtt.qos";
    public static final String RETAIN = "mqtt.retain";
    public static final String CLIENT = "mqtt.client";
    public static final String PAYLOAD_FORMAT = "mqtt.payload.format";
    public static final String CONTENT_TYPE = "mqtt.content.type";
    public static final String EXPIRY = "mqtt.expiry";
    public static final String RESPONSE_TOPIC = "mqtt.response.topic";
    public static final String CORRELATION_DATA = "mqtt.correlation.data";
    /** User properties whose own name starts with {@code mqtt.} are carried under this prefix. */
    public static final String USER_ESCAPE = "mqtt.user.";

    private static final byte[][] QOS_VALUES = {ascii("0"), ascii("1"), ascii("2")};
    private static final byte[] ONE = ascii("1");

    private MessageRecordCodec() {}

    /** Headers for a message; {@code topicInHeader} when the record key is not the MQTT topic. */
    public static Headers headers(Message message, boolean topicInHeader) {
        RecordHeaders headers = new RecordHeaders();
        if (topicInHeader) {
            headers.add(TOPIC, utf8(message.topic()));
        }
        headers.add(QOS, QOS_VALUES[message.qos()]);
        if (message.retain()) {
            headers.add(RETAIN, ONE);
        }
        if (message.publisher() != null) {
            headers.add(CLIENT, utf8(message.publisher()));
        }
        MessageProperties p = message.properties();
        if (p.isEmpty()) {
            return headers;
        }
        if (p.payloadUtf8()) {
            headers.add(PAYLOAD_FORMAT, ONE);
        }
        if (p.contentType() != null) {
            headers.add(CONTENT_TYPE, utf8(p.contentType()));
        }
        if (p.expiresAtMillis() != 0) {
            headers.add(EXPIRY, ascii(Long.toString(p.expiresAtMillis())));
        }
        if (p.responseTopic() != null) {
            headers.add(RESPONSE_TOPIC, utf8(p.responseTopic()));
        }
        if (p.correlationData() != null) {
            headers.add(CORRELATION_DATA, p.correlationData());
        }
        for (UserProperty user : p.userProperties()) {
            String name = user.name().startsWith(PREFIX) ? USER_ESCAPE + user.name() : user.name();
            headers.add(new RecordHeader(name, utf8(user.value())));
        }
        return headers;
    }

    /**
     * Reads a message back from a record. {@code fallbackTopic} names the MQTT topic when the record has no
     * {@code mqtt.topic} header (normally the key); null drops the record.
     */
    public static @Nullable Message decode(
            @Nullable String fallbackTopic, byte @Nullable [] value, Headers headers, int defaultQos) {
        String topic = fallbackTopic;
        int qos = defaultQos;
        boolean retain = false;
        String client = null;
        boolean utf8 = false;
        String contentType = null;
        long expiry = 0;
        String responseTopic = null;
        byte[] correlation = null;
        List<UserProperty> users = null;
        for (Header h : headers) {
            String key = h.key();
            byte[] v = h.value();
            if (v == null) {
                continue;
            }
            if (!key.startsWith(PREFIX)) {
                users = add(users, key, v);
                continue;
            }
            switch (key) {
                case TOPIC -> topic = str(v);
                case QOS -> qos = v.length == 1 && v[0] >= '0' && v[0] <= '2' ? v[0] - '0' : defaultQos;
                case RETAIN -> retain = v.length == 1 && v[0] == '1';
                case CLIENT -> client = str(v);
                case PAYLOAD_FORMAT -> utf8 = v.length == 1 && v[0] == '1';
                case CONTENT_TYPE -> contentType = str(v);
                case EXPIRY -> expiry = parseLong(v);
                case RESPONSE_TOPIC -> responseTopic = str(v);
                case CORRELATION_DATA -> correlation = v;
                default -> {
                    if (key.startsWith(USER_ESCAPE)) {
                        users = add(users, key.substring(USER_ESCAPE.length()), v);
                    }
                }
            }
        }
        if (topic == null || topic.isEmpty()) {
            return null;
        }
        MessageProperties props = !utf8
                        && contentType == null
                        && expiry == 0
                        && responseTopic == null
                        && correlation == null
                        && users == null
                ? MessageProperties.NONE
                : new MessageProperties(
                        utf8, contentType, expiry, responseTopic, correlation, users == null ? List.of() : users);
        return new Message(topic, value == null ? new byte[0] : value, qos, retain, client, props);
    }

    private static List<UserProperty> add(@Nullable List<UserProperty> users, String name, byte[] value) {
        List<UserProperty> list = users == null ? new ArrayList<>(4) : users;
        list.add(new UserProperty(name, str(value)));
        return list;
    }

    private static long parseLong(byte[] v) {
        try {
            return Long.parseLong(new String(v, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String str(byte[] v) {
        return new String(v, StandardCharsets.UTF_8);
    }
}
