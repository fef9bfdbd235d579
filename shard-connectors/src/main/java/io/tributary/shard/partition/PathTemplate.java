/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.shard.partition;

import io.tributary.shard.record.ShardRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Decides the directory a record's file goes to, from a template such as
 * {@code site={1}/device={2}/dt={dt}}. Placeholders:
 * <ul>
 *   <li>{@code {topic}}, {@code {partition}}: the Kafka topic and partition</li>
 *   <li>{@code {1}}, {@code {2}}, ...: the MQTT topic levels, counted from 1</li>
 *   <li>{@code {dt}} (yyyy-MM-dd), {@code {hour}} (HH), {@code {year}}, {@code {month}},
 *       {@code {day}}: the record's timestamp in the configured time zone</li>
 * </ul>
 * Level values are escaped so that no level can climb out of its directory or break Hive-style
 * {@code key=value} parsing.
 */
public final class PathTemplate {
    /** A level the topic does not have (topic a/b with template {3}). */
    public static final String MISSING_LEVEL = "__none__";
    /** An empty level (topic a//b), which MQTT allows and a file system does not. */
    public static final String EMPTY_LEVEL = "__empty__";

    private final String template;
    private final List<Function<Context, String>> parts;
    private final ZoneId zone;

    private record Context(ShardRecord record, List<String> levels, ZonedDateTime time) {}

    private PathTemplate(String template, List<Function<Context, String>> parts, ZoneId zone) {
        this.template = template;
        this.parts = parts;
        this.zone = zone;
    }

    public static PathTemplate parse(String template, ZoneId zone) {
        List<Function<Context, String>> parts = new ArrayList<>();
        int at = 0;
        while (at < template.length()) {
            int open = template.indexOf('{', at);
            if (open < 0) {
                String literal = template.substring(at);
                parts.add(context -> literal);
                break;
            }
            int close = template.indexOf('}', open);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '{' in path template '" + template + "'");
            }
            if (open > at) {
                String literal = template.substring(at, open);
                parts.add(context -> literal);
            }
            parts.add(placeholder(template.substring(open + 1, close), template));
            at = close + 1;
        }
        return new PathTemplate(template, List.copyOf(parts), zone);
    }

    private static Function<Context, String> placeholder(String name, String template) {
        switch (name) {
            case "topic":
                return context -> escape(context.record().kafkaTopic());
            case "partition":
                return context -> Integer.toString(context.record().kafkaPartition());
            case "dt":
                return context -> pad(context.time().getYear(), 4) + "-"
                        + pad(context.time().getMonthValue(), 2) + "-"
                        + pad(context.time().getDayOfMonth(), 2);
            case "year":
                return context -> pad(context.time().getYear(), 4);
            case "month":
                return context -> pad(context.time().getMonthValue(), 2);
            case "day":
                return context -> pad(context.time().getDayOfMonth(), 2);
            case "hour":
                return context -> pad(context.time().getHour(), 2);
            default:
                int level;
                try {
                    level = Integer.parseInt(name);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("unknown placeholder {" + name + "} in path template '"
                            + template + "'; known: {topic} {partition} {1}.. {dt} {year} {month} {day} {hour}");
                }
                if (level < 1) {
                    throw new IllegalArgumentException("MQTT topic levels count from {1} in '" + template + "'");
                }
                return context -> level > context.levels().size()
                        ? MISSING_LEVEL
                        : escape(context.levels().get(level - 1));
        }
    }

    /** Zero-padding without String.format, which is a third of the per-record cost otherwise. */
    private static String pad(int value, int width) {
        String digits = Integer.toString(value);
        return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
    }

    /** The directory for this record, relative to the tiering root, without leading or trailing '/'. */
    public String directoryFor(ShardRecord record) {
        Context context = new Context(
                record,
                record.topicLevels(),
                Instant.ofEpochMilli(record.timestamp()).atZone(zone));
        StringBuilder path = new StringBuilder();
        for (Function<Context, String> part : parts) {
            path.append(part.apply(context));
        }
        return path.toString();
    }

    /** Percent-encodes everything but [A-Za-z0-9._-] so levels stay one path segment, Hive-safe. */
    static String escape(String value) {
        if (value.isEmpty()) {
            return EMPTY_LEVEL;
        }
        if (value.equals(".") || value.equals("..")) {
            return value.replace(".", "%2E");
        }
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return template;
    }
}
