/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.acl;

import io.tributary.mqtt.topic.TopicFilter;
import java.util.Arrays;
import java.util.List;

/**
 * The topic filter of an ACL rule, split into levels once, with the two questions SUBSCRIBE asks of it (PUBLISH
 * uses a {@link RuleTrie} of the same filters).
 * <p>
 * A rule's filter names a set of topics level by level: {@code +} is any one level, {@code #} the rest (and the
 * parent level). Unlike a subscription, a leading wildcard of a rule also names topics that begin with
 * {@code $}: a rule DENY {@code #} denies everything. A subscription filter's own topics follow the specification
 * (a leading wildcard does not receive {@code $} topics [MQTT-4.7.2-1]), since that is what the client would get.
 * <p>
 * Hand-written: {@code TopicFilter.matches} answers "topic in filter" only, while SUBSCRIBE needs "filter inside
 * filter" (covers) and "filters with a topic in common" (overlaps, {@link TopicFilter#overlap}, which the live
 * reader also asks of mapping rules).
 */
final class AclFilter {

    private static final String ONE = "+";
    private static final String REST = "#";

    private final String text;
    private final String[] levels;

    AclFilter(String text) {
        this.text = text;
        this.levels = text.split("/", -1);
    }

    String text() {
        return text;
    }

    /**
     * True when every topic a subscription to {@code requested} can receive is one of this filter's topics:
     * {@code #} covers the rest, {@code +} covers one level (a literal or a {@code +}), literals must be equal.
     */
    boolean covers(List<String> requested) {
        for (int i = 0; i < levels.length; i++) {
            String mine = levels[i];
            if (mine.equals(REST)) {
                return true;
            }
            if (i >= requested.size()) {
                return false; // the request names a shorter topic this filter does not
            }
            String theirs = requested.get(i);
            if (theirs.equals(REST)) {
                return false; // the request reaches deeper than this level allows
            }
            if (!mine.equals(ONE) && !mine.equals(theirs)) {
                return false; // a literal covers only itself, not a '+' nor another literal
            }
        }
        return levels.length == requested.size();
    }

    /** True when some topic is both one of this filter's topics and one a subscription to {@code requested} receives. */
    boolean overlaps(List<String> requested) {
        return TopicFilter.overlap(Arrays.asList(levels), requested);
    }

    @Override
    public String toString() {
        return text;
    }
}
