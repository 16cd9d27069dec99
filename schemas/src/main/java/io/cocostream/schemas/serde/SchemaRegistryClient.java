package io.cocostream.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A client of the Confluent Schema Registry REST API (also spoken by Apicurio's ccompat API,
 * Karapace and {@code EmbeddedSchemaRegistry}). Ids and schemas are cached; requests fail over
 * across the configured URLs with bounded, exponentially backed-off retries.
 */
public final class SchemaRegistryClient {
    /** The registry's media type. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A registered schema as the registry reports it. */
    public record Registered(String subject, int version, int id, Schema schema) {}

    private final SerdeConfig config;
    private final HttpClient http;
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
    /** subject → schema → id; Schema caches its hash, so a hit costs no schema printing. */
    private final Map<String, Map<Schema, Integer>> idBySubjectAndSchema = new ConcurrentHashMap<>();
    private volatile int preferredUrl;

    public SchemaRegistryClient(SerdeConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
    }

    /** Registers (or finds) a schema under a subject and returns its global id. */
    public int register(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        JsonNode r = send("POST", "/subjects/" + enc(subject) + "/versions", schemaBody(schema));
        int id = r.get("id").asInt();
        cacheId(subject, schema, id);
        byId.putIfAbsent(id, schema);
        return id;
    }

    private Integer cachedId(String subject, Schema schema) {
        Map<Schema, Integer> ids = idBySubjectAndSchema.get(subject);
        return ids == null ? null : ids.get(schema);
    }

    private void cacheId(String subject, Schema schema, int id) {
        idBySubjectAndSchema.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
    }

    /** Looks a schema up under a subject without registering it. */
    public Registered lookup(String subject, Schema schema) {
        JsonNode r = send("POST", "/subjects/" + enc(subject), schemaBody(schema));
        Registered reg = registered(r);
        cacheId(subject, schema, reg.id());
        return reg;
    }

    /** The lookup's id, cached. */
    public int lookupId(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        return cached != null ? cached : lookup(subject, schema).id();
    }

    /** The schema with a global id, cached forever (ids are immutable). */
    public Schema schemaById(int id) {
        Schema s = byId.get(id);
        if (s != null) {
            return s;
        }
        JsonNode r = send("GET", "/schemas/ids/" + id, null);
        Schema parsed = new Schema.Parser().parse(r.get("schema").asText());
        byId.put(id, parsed);
        return parsed;
    }

    /** A subject's version ({@code "latest"} or a number); not cached, since latest moves. */
    public Registered version(String subject, String version) {
        Registered r = registered(send("GET", "/subjects/" + enc(subject) + "/versions/" + version, null));
        byId.putIfAbsent(r.id(), r.schema());
        return r;
    }

    /** Every subject. */
    public List<String> subjects() {
        List<String> out = new ArrayList<>();
        send("GET", "/subjects", null).forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Whether a schema may be registered next under a subject; the reasons when it may not. */
    public List<String> incompatibilities(String subject, Schema schema) {
        JsonNode r = send("POST", "/compatibility/subjects/" + enc(subject) + "/versions/latest?verbose=true",
                schemaBody(schema));
        List<String> reasons = new ArrayList<>();
        if (!r.path("is_compatible").asBoolean(false)) {
            r.path("messages").forEach(m -> reasons.add(m.asText()));
            if (reasons.isEmpty()) {
                reasons.add("incompatible");
            }
        }
        return reasons;
    }

    /** Sets the global ({@code subject == null}) or a subject's compatibility level. */
    public void setCompatibility(String subject, String level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level);
        send("PUT", subject == null ? "/config" : "/config/" + enc(subject), body);
    }

    private static ObjectNode schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private static Registered registered(JsonNode r) {
        return new Registered(r.path("subject").asText(), r.path("version").asInt(), r.get("id").asInt(),
                new Schema.Parser().parse(r.get("schema").asText()));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Sends a request, failing over across URLs and retrying transport errors and 5xx answers. */
    private JsonNode send(String method, String path, JsonNode body) {
        List<URI> urls = config.urls();
        long backoff = config.retryBackoff().toMillis();
        Exception last = null;
        String lastUrl = urls.get(0).toString();
        int attempts = config.maxRetries() + 1;
        for (int attempt = 0; attempt < attempts; attempt++) {
            for (int k = 0; k < urls.size(); k++) {
                int idx = (preferredUrl + k) % urls.size();
                URI base = urls.get(idx);
                lastUrl = base.toString();
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(stripUserInfo(base) + path))
                        .timeout(config.requestTimeout())
                        .header("Accept", CONTENT_TYPE + ", application/json")
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.toString()));
                if (body != null) {
                    req.header("Content-Type", CONTENT_TYPE);
                }
                config.userInfo().ifPresent(u -> req.header("Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8))));
                try {
                    HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
                    int status = resp.statusCode();
                    if (status >= 500) {
                        last = error(base, method, path, status, resp.body());
                        continue;
                    }
                    preferredUrl = idx;
                    if (status >= 300) {
                        throw error(base, method, path, status, resp.body());
                    }
                    return resp.body().isEmpty() ? JSON.nullNode() : JSON.readTree(resp.body());
                } catch (IOException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryException("interrupted while calling the schema registry at " + base, e);
                }
            }
            if (attempt + 1 < attempts) {
                sleep(backoff);
                backoff *= 2;
            }
        }
        if (last instanceof RegistryException re) {
            throw re;
        }
        throw new RegistryException("schema registry unreachable at " + String.join(", ",
                urls.stream().map(SchemaRegistryClient::stripUserInfo).toList()) + " after " + attempts
                + " attempt(s) of " + method + " " + path + " (last tried " + stripUserInfo(URI.create(lastUrl))
                + "): " + last, last);
    }

    private static RegistryException error(URI base, String method, String path, int status, String body) {
        int code = status;
        String message = body;
        try {
            JsonNode n = JSON.readTree(body);
            code = n.path("error_code").asInt(status);
            message = n.path("message").asText(body);
        } catch (IOException | RuntimeException e) {
            // not JSON: keep the raw body as the message
        }
        String what = code == RegistryException.INCOMPATIBLE_SCHEMA
                ? "schema is incompatible with the subject's registered versions: " : "";
        return new RegistryException(status, code, what + message + " (HTTP " + status + ", error_code " + code
                + ", " + method + " " + stripUserInfo(base) + path + ")");
    }

    private static String stripUserInfo(URI u) {
        return u.getUserInfo() == null ? u.toString() : u.toString().replace(u.getUserInfo() + "@", "");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while backing off", e);
        }
    }
}
