/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Finds the settings a node does not know: a typo ({@code mqtt.prot=1885}) would otherwise be ignored and the node
 * would start on its defaults. Known are the {@code ConfigDef}'s names and the {@code mapping.rule.NAME.*} fields
 * of the rules {@code mapping.rules} lists; keys under a pass-through prefix ({@code kafka.client.}) belong to the
 * Kafka clients, which check them. Each unknown key is named with the nearest known one, by edit distance.
 */
public final class SettingNames {

    private static final String MAPPING_RULE_PREFIX = "mapping.rule.";
    private static final List<String> MAPPING_RULE_FIELDS =
            List.of(MappingRule.FILTER, MappingRule.KAFKA_TOPIC, MappingRule.KEY, MappingRule.MQTT_TOPIC);

    private final Set<String> known;
    private final List<String> passThroughPrefixes;

    /**
     * @param defined             the names of the {@code ConfigDef}
     * @param mappingRules        the rule names {@code mapping.rules} lists
     * @param passThroughPrefixes prefixes whose keys are handed on unchecked
     */
    public SettingNames(Collection<String> defined, List<String> mappingRules, List<String> passThroughPrefixes) {
        Set<String> names = new TreeSet<>(defined);
        for (String rule : mappingRules) {
            for (String field : MAPPING_RULE_FIELDS) {
                names.add(MAPPING_RULE_PREFIX + rule + "." + field);
            }
        }
        this.known = names;
        this.passThroughPrefixes = List.copyOf(passThroughPrefixes);
    }

    /** One description per unknown key, in key order: {@code unknown setting mqtt.prot (did you mean mqtt.port?)}. */
    public List<String> unknown(Collection<?> keys) {
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(keys.stream().map(Object::toString).toList())) {
            if (known.contains(key) || passThroughPrefixes.stream().anyMatch(key::startsWith)) {
                continue;
            }
            String nearest = nearest(key);
            problems.add("unknown setting " + key + (nearest == null ? "" : " (did you mean " + nearest + "?)"));
        }
        return problems;
    }

    /** The known key (or a pass-through key with its prefix corrected) closest to {@code key}; null if none is close. */
    @Nullable
    String nearest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates(key)) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best != null && bestDistance <= Math.max(1, Math.min(3, key.length() / 4))) {
            return best;
        }
        // A key cut short (kafka.bootstrap): the one known key it begins.
        List<String> longer =
                known.stream().filter(k -> k.startsWith(key + ".")).toList();
        return longer.size() == 1 ? longer.get(0) : null;
    }

    /** The known keys, plus the key under each pass-through prefix it nearly starts with (kafka.clinet.x). */
    private List<String> candidates(String key) {
        List<String> candidates = new ArrayList<>(known);
        for (String prefix : passThroughPrefixes) {
            for (int cut = Math.max(1, prefix.length() - 2);
                    cut <= Math.min(key.length(), prefix.length() + 2);
                    cut++) {
                if (distance(key.substring(0, cut), prefix) <= 2) {
                    candidates.add(prefix + key.substring(cut));
                }
            }
        }
        return candidates;
    }

    /** Optimal string alignment distance: edits, deletions, insertions and swaps of two neighbours cost 1 each. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
