/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import java.util.List;
import org.apache.kafka.common.config.ConfigException;

/**
 * Expands a mapping rule's key template ({@code {topic}}, {@code {N}} = level N counted from 1, literal text)
 * against an MQTT topic. Hand-written because the grammar is three tokens; a template engine would be more
 * code to configure than this.
 */
public final class KeyTemplate {

    private KeyTemplate() {}

    static void validate(String configName, String template) {
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                break;
            }
            int close = template.indexOf('}', open);
            if (close < 0) {
                throw new ConfigException(configName, template, "unclosed '{'");
            }
            String token = template.substring(open + 1, close);
            if (!token.equals("topic") && !token.equals("key") && !isLevel(token)) {
                throw new ConfigException(
                        configName,
                        template,
                        "unknown placeholder {" + token + "}: use {topic}, {key} or a level number {1}, {2}, ...");
            }
            i = close + 1;
        }
    }

    private static boolean isLevel(String token) {
        if (token.isEmpty() || token.length() > 4) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            if (!Character.isDigit(token.charAt(i))) {
                return false;
            }
        }
        return Integer.parseInt(token) >= 1;
    }

    /** Expands {topic} and {N}; a level beyond the topic's depth expands to the empty string. */
    public static String expand(String template, String topic, List<String> levels) {
        if (template.equals(MappingRule.DEFAULT_KEY_TEMPLATE)) {
            return topic;
        }
        return substitute(
                template,
                token -> token.equals("topic")
                        ? topic
                        : isLevel(token) ? level(levels, Integer.parseInt(token)) : "{" + token + "}");
    }

    /** Expands {key} (used to name the MQTT topic of records from plain Kafka producers). */
    public static String expandKey(String template, String key) {
        return substitute(template, token -> token.equals("key") ? key : "{" + token + "}");
    }

    private static String level(List<String> levels, int n) {
        return n <= levels.size() ? levels.get(n - 1) : "";
    }

    private static String substitute(String template, java.util.function.UnaryOperator<String> values) {
        StringBuilder out = new StringBuilder(template.length() + 16);
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            int close = open < 0 ? -1 : template.indexOf('}', open);
            if (open < 0 || close < 0) {
                out.append(template, i, template.length());
                break;
            }
            out.append(template, i, open).append(values.apply(template.substring(open + 1, close)));
            i = close + 1;
        }
        return out.toString();
    }
}
