/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Reads schemas by id over the Confluent Schema Registry REST API ({@code GET /schemas/ids/{id}}, and the
 * subject versions a schema refers to), as Confluent
 * Schema Registry, Apicurio Registry ({@code /apis/ccompat/v7}) and Karapace serve it, on the JDK's HTTP client.
 * Each id is asked once: an id never changes its schema, so the cache needs no expiry and the schemas already
 * seen keep working while the registry is down.
 *
 * <p>Shared by the lake connectors (the Iceberg sink, the S3/HDFS tiering sinks), which run in a Connect worker
 * without the broker and need only this one read; the broker's client (mqtt-frontend's {@code registry} package)
 * also registers and checks compatibility. A module of its own so that record-contract stays free of JSON and
 * HTTP.
 */
public final class ConfluentRestRegistry implements SchemaRegistry {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http;
    private final @Nullable String authorization;
    private final RegistrySettings settings;
    private final Map<Integer, RegisteredSchema> byId = new ConcurrentHashMap<>();

    /** @throws IllegalArgumentException when the trust store cannot be read */
    public ConfluentRestRegistry(RegistrySettings settings) {
        this.settings = settings;
        String url = settings.url().trim();
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(settings.timeout());
        if (settings.trustStore() != null && !settings.trustStore().isBlank()) {
            builder.sslContext(trustStoreContext(settings));
        }
        this.http = builder.build();
        String userInfo = settings.userInfo();
        this.authorization = userInfo == null || userInfo.isEmpty()
                ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public RegisteredSchema byId(int id) throws SchemaLookupException {
        RegisteredSchema known = byId.get(id);
        if (known != null) {
            return known;
        }
        HttpResponse<String> response = get("/schemas/ids/" + id);
        JsonNode body = parse(response.body());
        int status = response.statusCode();
        if (status == 404) {
            throw new SchemaLookupException("schema id " + id + " is not in the registry at " + baseUrl + " ("
                    + body.path("message").asText("not found") + ")");
        }
        if (status / 100 != 2) {
            // 401/403 are a configuration to fix, 5xx an outage: neither says the record is bad, so retry.
            throw new RegistryUnavailableException("registry " + baseUrl + " answered " + status + " for schema id "
                    + id + ": " + body.path("message").asText(response.body()));
        }
        RegisteredSchema schema;
        try {
            List<RegisteredSchema.Reference> references = new ArrayList<>();
            addReferences(body.path("references"), references, new HashSet<>(), "schema id " + id);
            schema = new RegisteredSchema(
                    id,
                    RegisteredSchema.Format.ofRegistryType(
                            body.path("schemaType").asText("")),
                    body.path("schema").asText(),
                    references);
        } catch (IllegalArgumentException e) {
            throw new SchemaLookupException("schema id " + id + ": " + e.getMessage());
        }
        byId.put(id, schema);
        return schema;
    }

    /**
     * Reads the schemas {@code refs} name ({@code [{"name", "subject", "version"}]}), depth first, into
     * {@code into}: each after the ones it refers to itself, each subject version once.
     */
    private void addReferences(JsonNode refs, List<RegisteredSchema.Reference> into, Set<String> seen, String of)
            throws SchemaLookupException {
        for (JsonNode ref : refs) {
            String subject = ref.path("subject").asText();
            String version = ref.path("version").asText();
            if (!seen.add(subject + "/" + version)) {
                continue;
            }
            HttpResponse<String> response = get("/subjects/" + encode(subject) + "/versions/" + encode(version));
            JsonNode body = parse(response.body());
            if (response.statusCode() == 404) {
                throw new SchemaLookupException(of + " refers to " + subject + " version " + version
                        + ", which is not in the registry at " + baseUrl);
            }
            if (response.statusCode() / 100 != 2) {
                throw new RegistryUnavailableException(
                        "registry " + baseUrl + " answered " + response.statusCode() + " for " + subject + " version "
                                + version + ": " + body.path("message").asText());
            }
            addReferences(body.path("references"), into, seen, subject + " version " + version);
            into.add(new RegisteredSchema.Reference(
                    ref.path("name").asText(), body.path("schema").asText()));
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpResponse<String> get(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(settings.timeout())
                .header("Accept", "application/vnd.schemaregistry.v1+json, application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RegistryUnavailableException("registry " + baseUrl + " unreachable: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while asking registry " + baseUrl);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            return JSON.createObjectNode(); // an HTML error page, say: the status says enough
        }
    }

    private static SSLContext trustStoreContext(RegistrySettings settings) {
        String location = settings.trustStore();
        String password = settings.trustStorePassword();
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(settings.trustStoreType());
            store.load(in, password == null ? null : password.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, trust.getTrustManagers(), null);
            return ssl;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "registry trust store " + location + " cannot be read: " + e.getMessage(), e);
        }
    }
}
