/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.jspecify.annotations.Nullable;

/**
 * Turns a client certificate's subject into the principal the ACLs see ({@code tls.principal.mapping.rules}),
 * in the style of Kafka's {@code ssl.principal.mapping.rules}: rules tried in order, the first that matches
 * names the principal. {@code RULE:pattern/replacement/[LU]} matches the whole RFC 2253 subject with a regular
 * expression and replaces it ({@code $1} and so on); {@code DEFAULT} takes the subject's common name (Kafka's
 * takes the whole subject: an MQTT principal is usually a device or user name, which the CN carries).
 */
public final class CertificatePrincipalMapping {

    // RULE:pattern/replacement/ with optional L or U; a slash inside pattern or replacement is escaped as \/.
    private static final Pattern RULE =
            Pattern.compile("\\s*((DEFAULT)|RULE:((?:\\\\/|[^/])*)/((?:\\\\/|[^/])*)/([LU])?)\\s*(,|$)");

    /** One rule: null pattern is DEFAULT. */
    private record Rule(
            @Nullable Pattern pattern,
            String replacement,
            @Nullable String caseChange) {

        @Nullable
        String apply(String subject) {
            if (pattern == null) {
                return commonName(subject);
            }
            Matcher m = pattern.matcher(subject);
            if (!m.matches()) {
                return null;
            }
            String out = m.replaceAll(replacement);
            if ("L".equals(caseChange)) {
                return out.toLowerCase(Locale.ROOT);
            }
            return "U".equals(caseChange) ? out.toUpperCase(Locale.ROOT) : out;
        }
    }

    private final List<Rule> rules;

    private CertificatePrincipalMapping(List<Rule> rules) {
        this.rules = rules;
    }

    /** The DEFAULT mapping: the subject's CN. */
    public static final CertificatePrincipalMapping COMMON_NAME =
            new CertificatePrincipalMapping(List.of(new Rule(null, "", null)));

    /**
     * Parses {@code tls.principal.mapping.rules}.
     *
     * @throws IllegalArgumentException naming the part that is not a rule
     */
    public static CertificatePrincipalMapping parse(String text) {
        List<Rule> rules = new ArrayList<>();
        Matcher m = RULE.matcher(text);
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("not a rule (RULE:pattern/replacement/[LU] or DEFAULT) at '"
                        + text.substring(at).trim() + "'");
            }
            if (m.group(2) != null) {
                rules.add(new Rule(null, "", null));
            } else {
                try {
                    rules.add(new Rule(
                            Pattern.compile(m.group(3).replace("\\/", "/")),
                            m.group(4).replace("\\/", "/"),
                            m.group(5)));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("bad pattern in rule '" + m.group(1) + "': " + e.getMessage());
                }
            }
            at = m.end();
        }
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("no rule");
        }
        return new CertificatePrincipalMapping(List.copyOf(rules));
    }

    /** The principal of a certificate with this RFC 2253 subject, or null when no rule gives a non-empty one. */
    public @Nullable String principalOf(String subject) {
        for (Rule rule : rules) {
            String principal = rule.apply(subject);
            if (principal != null && !principal.isEmpty()) {
                return principal;
            }
        }
        return null;
    }

    /** The most specific CN of an RFC 2253 subject (the first written), or null. */
    static @Nullable String commonName(String subject) {
        try {
            List<Rdn> rdns = new LdapName(subject).getRdns(); // index 0 is the last one written
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if ("CN".equalsIgnoreCase(rdns.get(i).getType())) {
                    return String.valueOf(rdns.get(i).getValue());
                }
            }
            return null;
        } catch (InvalidNameException e) {
            return null;
        }
    }
}
