/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.auth;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import org.jspecify.annotations.Nullable;

/**
 * Turns a client certificate's subject into the principal the ACLs see ({@code tls.principal.mapping.rules}),
 * in the style of Kafka's {@code ssl.principal.mapping.rules}: rules tried in order, the first that matches
 * names the principal. {@code RULE:pattern/replacement/[LU]} matches the whole RFC 2253 subject with a regular
 * expression and replaces it ({@code $1} and so on); {@code DEFAULT} takes the subject's common name (Kafka's
 * takes the whole subject: an MQTT principal is usually a device or user name, which the CN carries).
 *
 * <p>With a SAN {@link Source} ({@code tls.principal.source}) the rules read the certificate's subject alternative
 * names of that type instead (DNS names, e-mail addresses or URIs such as SPIFFE ids), in the certificate's order,
 * and {@code DEFAULT} takes the name as it is: the first name a rule maps is the principal.
 */
public final class CertificatePrincipalMapping {

    // RULE:pattern/replacement/ with optional L or U; a slash inside pattern or replacement is escaped as \/.
    private static final Pattern RULE =
            Pattern.compile("\\s*((DEFAULT)|RULE:((?:\\\\/|[^/])*)/((?:\\\\/|[^/])*)/([LU])?)\\s*(,|$)");

    /** What of the certificate the rules read ({@code tls.principal.source}). */
    public enum Source {
        SUBJECT("subject", -1),
        SAN_DNS("san.dns", 2),
        SAN_EMAIL("san.email", 1),
        SAN_URI("san.uri", 6);

        private final String setting;
        /** The GeneralName tag of RFC 5280 section 4.2.1.6 that getSubjectAlternativeNames reports. */
        private final int sanType;

        Source(String setting, int sanType) {
            this.setting = setting;
            this.sanType = sanType;
        }

        /** The source of a {@code tls.principal.source} value ({@code subject}, {@code san.dns}, ...). */
        public static Source of(String setting) {
            for (Source s : values()) {
                if (s.setting.equalsIgnoreCase(setting.trim())) {
                    return s;
                }
            }
            throw new IllegalArgumentException("not a principal source (subject, san.dns, san.email, san.uri)");
        }
    }

    /** One rule: null pattern is DEFAULT. */
    private record Rule(
            @Nullable Pattern pattern,
            String replacement,
            @Nullable String caseChange) {

        @Nullable
        String apply(String subject, Source source) {
            if (pattern == null) {
                return source == Source.SUBJECT ? commonName(subject) : subject;
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
    private final Source source;

    private CertificatePrincipalMapping(List<Rule> rules, Source source) {
        this.rules = rules;
        this.source = source;
    }

    /** The DEFAULT mapping: the subject's CN. */
    public static final CertificatePrincipalMapping COMMON_NAME =
            new CertificatePrincipalMapping(List.of(new Rule(null, "", null)), Source.SUBJECT);

    /** As {@link #parse(String)}, the rules reading {@code source}. */
    public static CertificatePrincipalMapping parse(String text, Source source) {
        return new CertificatePrincipalMapping(parse(text).rules, source);
    }

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
        return new CertificatePrincipalMapping(List.copyOf(rules), Source.SUBJECT);
    }

    /** The principal of a certificate with this RFC 2253 subject, or null when no rule gives a non-empty one. */
    public @Nullable String principalOf(String subject) {
        for (Rule rule : rules) {
            String principal = rule.apply(subject, Source.SUBJECT);
            if (principal != null && !principal.isEmpty()) {
                return principal;
            }
        }
        return null;
    }

    /**
     * The principal of a verified client certificate, read from its subject or its SANs of the source's type;
     * null when no rule gives a non-empty one (or the certificate has no SAN of that type).
     */
    public @Nullable String principalOf(X509Certificate certificate) {
        if (source == Source.SUBJECT) {
            return principalOf(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
        }
        for (String name : alternativeNames(certificate, source.sanType)) {
            for (Rule rule : rules) {
                String principal = rule.apply(name, source);
                if (principal != null && !principal.isEmpty()) {
                    return principal;
                }
            }
        }
        return null;
    }

    private static List<String> alternativeNames(X509Certificate certificate, int type) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return List.of();
            }
            return names.stream()
                    .filter(n -> n.size() >= 2 && Integer.valueOf(type).equals(n.get(0)) && n.get(1) instanceof String)
                    .map(n -> (String) n.get(1))
                    .toList();
        } catch (CertificateParsingException e) {
            return List.of(); // a SAN extension that does not parse names nobody
        }
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
