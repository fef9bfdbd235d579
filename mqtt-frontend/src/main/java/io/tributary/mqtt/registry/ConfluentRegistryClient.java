/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.mqtt.schema.RegisteredSchema;
import io.tributary.mqtt.schema.SchemaFormat;
import io.tributary.mqtt.schema.SchemaReference;
import io.tributary.mqtt.schema.SchemaSource;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A small client of the Confluent Schema Registry REST API (Confluent Schema Registry, Apicurio Registry's
 * {@code /apis/ccompat/v7}, Karapace), on the JDK's HTTP client: what the broker reads (latest version of a
 * subject, schema by id) and what operators and tests write (register a version, compatibility). Schemas read
 * are cached by id (ids never change) and by subject; when the registry cannot be reached, the cached latest
 * version of a subject is answered instead, so the broker keeps validating through an outage.
 */
public final class ConfluentRegistryClient implements SchemaSource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final String baseUrl;
    private final HttpClient http;
    private final @Nullable String authorization;
    private final Duration timeout;
    private final Map<Integer, RegisteredSchema> byId = new ConcurrentHashMap<>();
    private final Map<String, RegisteredSchema> latestBySubject = new ConcurrentHashMap<>();
    /** Versions of subjects that references name, by {@code subject/version}: they never change. */
    private final Map<String, RegisteredSchema> byVersion = new ConcurrentHashMap<>();

    /**
     * @param baseUrl e.g. {@code http://registry:8081} or {@code http://apicurio:8080/apis/ccompat/v7}
     * @param userInfo {@code USER:PASSWORD} for basic authentication, or null
     * @param ssl the TLS context for an https registry (its trust store), or null for the JVM's default
     */
    public ConfluentRegistryClient(
            String baseUrl, @Nullable String userInfo, @Nullable SSLContext ssl, Duration timeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
        if (ssl != null) {
            b.sslContext(ssl);
        }
        this.http = b.build();
        this.authorization = userInfo == null || userInfo.isEmpty()
                ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
    }

    @Override
    public RegisteredSchema latest(String subject) throws SchemaLookupException {
        try {
            JsonNode body = get("/subjects/" + encode(subject) + "/versions/latest");
            RegisteredSchema schema = schemaOf(body, body.path("id").asInt(), subject);
            latestBySubject.put(subject, schema);
            byId.putIfAbsent(schema.id(), schema);
            return schema;
        } catch (RegistryException e) {
            RegisteredSchema cached = e.notFound() ? null : latestBySubject.get(subject);
            if (cached != null) {
                return cached; // an outage: the version read before stays in use
            }
            throw new SchemaLookupException("subject '" + subject + "': " + e.getMessage(), e.notFound(), e);
        }
    }

    @Override
    public RegisteredSchema byId(int id) throws SchemaLookupException {
        RegisteredSchema known = byId.get(id);
        if (known != null) {
            return known;
        }
        try {
            JsonNode body = get("/schemas/ids/" + id);
            RegisteredSchema schema = schemaOf(body, id, null);
            byId.put(id, schema);
            return schema;
        } catch (RegistryException e) {
            throw new SchemaLookupException("schema id " + id + ": " + e.getMessage(), e.notFound(), e);
        }
    }

    @Override
    public RegisteredSchema version(String subject, int version) throws SchemaLookupException {
        String key = subject + "/" + version;
        RegisteredSchema known = byVersion.get(key);
        if (known != null) {
            return known;
        }
        try {
            JsonNode body = get("/subjects/" + encode(subject) + "/versions/" + version);
            RegisteredSchema schema = schemaOf(body, body.path("id").asInt(), subject);
            byVersion.put(key, schema);
            byId.putIfAbsent(schema.id(), schema);
            return schema;
        } catch (RegistryException e) {
            throw new SchemaLookupException(
                    "subject '" + subject + "' version " + version + ": " + e.getMessage(), e.notFound(), e);
        }
    }

    /** A schema as the registry describes it: {@code schema}, {@code schemaType}, {@code references}, ... */
    private static RegisteredSchema schemaOf(JsonNode body, int id, @Nullable String subject) {
        List<SchemaReference> references = new ArrayList<>();
        for (JsonNode r : body.path("references")) {
            references.add(new SchemaReference(
                    r.path("name").asText(),
                    r.path("subject").asText(),
                    r.path("version").asInt()));
        }
        return new RegisteredSchema(
                id,
                subject,
                body.path("version").asInt(-1),
                SchemaFormat.ofRegistryType(textOrNull(body, "schemaType")),
                body.path("schema").asText(),
                references);
    }

    /**
     * Registers a schema as the next version of a subject (or finds the version that already has it) and returns
     * its id.
     *
     * @throws RegistryException with the registry's reason, e.g. 409 when the subject's compatibility rule refuses it
     */
    public int register(String subject, SchemaFormat format, String schema) throws RegistryException {
        return register(subject, format, schema, List.of());
    }

    /** As {@link #register(String, SchemaFormat, String)}, for a schema that references other subjects' versions. */
    public int register(String subject, SchemaFormat format, String schema, List<SchemaReference> references)
            throws RegistryException {
        ObjectNode request = JSON.createObjectNode().put("schema", schema);
        if (format != SchemaFormat.AVRO) {
            request.put("schemaType", format.registryType());
        }
        if (!references.isEmpty()) {
            ArrayNode refs = request.putArray("references");
            for (SchemaReference r : references) {
                refs.addObject()
                        .put("name", r.name())
                        .put("subject", r.subject())
                        .put("version", r.version());
            }
        }
        return send("POST", "/subjects/" + encode(subject) + "/versions", request)
                .path("id")
                .asInt();
    }

    /** Whether a schema could become the next version of a subject under its compatibility rule. */
    public boolean isCompatible(String subject, SchemaFormat format, String schema) throws RegistryException {
        ObjectNode request = JSON.createObjectNode().put("schema", schema);
        if (format != SchemaFormat.AVRO) {
            request.put("schemaType", format.registryType());
        }
        return send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", request)
                .path("is_compatible")
                .asBoolean();
    }

    /** Sets a subject's compatibility rule (BACKWARD, FORWARD, FULL, NONE, ...). */
    public void setCompatibility(String subject, String level) throws RegistryException {
        send("PUT", "/config/" + encode(subject), JSON.createObjectNode().put("compatibility", level));
    }

    private JsonNode get(String path) throws RegistryException {
        return send("GET", path, null);
    }

    private JsonNode send(String method, String path, @Nullable JsonNode body) throws RegistryException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        b.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", CONTENT_TYPE);
        }
        HttpResponse<String> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RegistryException("registry " + baseUrl + " unreachable: " + e, 0, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted", 0, -1);
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            int errorCode = answer.path("error_code").asInt(response.statusCode());
            String message = answer.path("message").asText(response.body());
            throw new RegistryException(
                    "registry answered " + response.statusCode() + " (" + errorCode + "): " + message,
                    response.statusCode(),
                    errorCode);
        }
        return answer;
    }

    private static JsonNode parse(String text) {
        try {
            return text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            return JSON.createObjectNode(); // an HTML error page, say: the status says enough
        }
    }

    private static @Nullable String textOrNull(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A request the registry refused, or could not be sent. */
    public static final class RegistryException extends Exception {
        private final int status;
        private final int errorCode;

        RegistryException(String message, int status, int errorCode) {
            super(message);
            this.status = status;
            this.errorCode = errorCode;
        }

        /** The HTTP status; 0 when the registry could not be reached. */
        public int status() {
            return status;
        }

        /** The registry's error code (40401 subject not found, 40403 schema not found, 409 incompatible, ...). */
        public int errorCode() {
            return errorCode;
        }

        /** The registry answered that the subject, version or id does not exist. */
        public boolean notFound() {
            return status == 404;
        }
    }
}
