package io.cocostream.embedded.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cocostream.schemas.serde.RegistryException;
import io.cocostream.schemas.serde.SchemaRegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry for local runs and tests that speaks the Confluent REST API (the subset
 * Kafka serdes and operators use), with Confluent's error codes and media type, over a
 * {@link RegistryState} kept in a {@link SchemaLog}.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    private static final Pattern SUBJECT_VERSIONS = Pattern.compile("^/subjects/([^/]+)/versions/?$");
    private static final Pattern SUBJECT_VERSION = Pattern.compile("^/subjects/([^/]+)/versions/([^/]+)/?$");
    private static final Pattern SUBJECT_VERSION_SCHEMA = Pattern.compile("^/subjects/([^/]+)/versions/([^/]+)/schema/?$");
    private static final Pattern SUBJECT = Pattern.compile("^/subjects/([^/]+)/?$");
    private static final Pattern SCHEMA_ID = Pattern.compile("^/schemas/ids/([0-9]+)/?$");
    private static final Pattern SCHEMA_ID_SCHEMA = Pattern.compile("^/schemas/ids/([0-9]+)/schema/?$");
    private static final Pattern COMPATIBILITY = Pattern.compile("^/compatibility/subjects/([^/]+)/versions/([^/]+)/?$");
    private static final Pattern CONFIG_SUBJECT = Pattern.compile("^/config/([^/]+)/?$");

    private final HttpServer server;
    private final ExecutorService executor;
    private final RegistryState state;
    private final SchemaLog log;
    /** {@code Basic <base64(user:password)>} every request must carry; null: none. */
    private final String authorization;

    private EmbeddedSchemaRegistry(HttpServer server, ExecutorService executor, RegistryState state, SchemaLog log,
            String authorization) {
        this.server = server;
        this.executor = executor;
        this.state = state;
        this.log = log;
        this.authorization = authorization;
    }

    /** Serves the registry on {@code host:port} (port 0: a free one) over the given log, which it then owns. */
    public static EmbeddedSchemaRegistry start(String host, int port, SchemaLog log) throws IOException {
        return start(host, port, log, null);
    }

    /**
     * Serves as {@link #start(String, int, SchemaLog)} does, answering only requests with HTTP basic
     * auth as {@code userInfo} ({@code user:password}; null: no auth), 401 to the rest, as Confluent's does.
     */
    public static EmbeddedSchemaRegistry start(String host, int port, SchemaLog log, String userInfo) throws IOException {
        RegistryState state = new RegistryState(log);
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "schema-registry-http");
            t.setDaemon(true);
            return t;
        });
        String authorization = userInfo == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(server, executor, state, log, authorization);
        server.createContext("/", registry::handle);
        server.setExecutor(executor);
        server.start();
        return registry;
    }

    /** A registry whose schemas live in the {@code _schemas} topic of the given cluster. */
    public static EmbeddedSchemaRegistry startOnKafka(String host, int port, Map<String, Object> kafkaClientConfig)
            throws IOException {
        return start(host, port, new KafkaSchemaLog(KafkaSchemaLog.DEFAULT_TOPIC, kafkaClientConfig));
    }

    /** {@code http://host:port}. */
    public String url() {
        InetSocketAddress a = server.getAddress();
        return "http://" + a.getHostString() + ":" + a.getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        log.close();
    }

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        String query = ex.getRequestURI().getRawQuery();
        if (authorization != null && !authorization.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"schema-registry\"");
            send(ex, 401, RegistryState.JSON.createObjectNode().put("error_code", 401)
                    .put("message", "Unauthorized"));
            return;
        }
        try {
            JsonNode body = method.equals("POST") || method.equals("PUT") ? readBody(ex) : null;
            Object answer = route(method, path, query == null ? "" : query, body);
            send(ex, 200, answer);
        } catch (RegistryException e) {
            ObjectNode err = RegistryState.JSON.createObjectNode()
                    .put("error_code", e.errorCode()).put("message", e.getMessage());
            send(ex, e.status() > 0 ? e.status() : 500, err);
        } catch (RuntimeException e) {
            LOG.warn("registry request {} {} failed", method, path, e);
            ObjectNode err = RegistryState.JSON.createObjectNode()
                    .put("error_code", 50001).put("message", "Internal error: " + e);
            send(ex, 500, err);
        }
    }

    private Object route(String method, String path, String query, JsonNode body) {
        Matcher m;
        if (path.equals("/") || path.isEmpty()) {
            return RegistryState.JSON.createObjectNode();
        }
        if (path.matches("^/subjects/?$") && method.equals("GET")) {
            return state.subjects();
        }
        if ((m = SUBJECT_VERSIONS.matcher(path)).matches()) {
            String subject = dec(m.group(1));
            if (method.equals("GET")) {
                return state.versions(subject);
            }
            if (method.equals("POST")) {
                checkAvro(body);
                return RegistryState.JSON.createObjectNode().put("id", state.register(subject, schemaOf(body)));
            }
        }
        if ((m = SUBJECT_VERSION_SCHEMA.matcher(path)).matches() && method.equals("GET")) {
            return tree(state.version(dec(m.group(1)), dec(m.group(2))).schema());
        }
        if ((m = SUBJECT_VERSION.matcher(path)).matches() && method.equals("GET")) {
            return versionJson(state.version(dec(m.group(1)), dec(m.group(2))));
        }
        if ((m = SUBJECT.matcher(path)).matches()) {
            String subject = dec(m.group(1));
            if (method.equals("POST")) {
                checkAvro(body);
                return versionJson(state.lookup(subject, schemaOf(body)));
            }
            if (method.equals("DELETE")) {
                return state.deleteSubject(subject, query.contains("permanent=true"));
            }
        }
        if ((m = SCHEMA_ID_SCHEMA.matcher(path)).matches() && method.equals("GET")) {
            return tree(state.schemaById(Integer.parseInt(m.group(1))));
        }
        if ((m = SCHEMA_ID.matcher(path)).matches() && method.equals("GET")) {
            return RegistryState.JSON.createObjectNode().put("schema", state.schemaById(Integer.parseInt(m.group(1))));
        }
        if ((m = COMPATIBILITY.matcher(path)).matches() && method.equals("POST")) {
            checkAvro(body);
            List<String> problems = state.checkCompatibility(dec(m.group(1)), dec(m.group(2)), schemaOf(body));
            ObjectNode r = RegistryState.JSON.createObjectNode().put("is_compatible", problems.isEmpty());
            if (query.contains("verbose=true")) {
                ArrayNode msgs = r.putArray("messages");
                problems.forEach(msgs::add);
            }
            return r;
        }
        if (path.matches("^/config/?$")) {
            if (method.equals("GET")) {
                return RegistryState.JSON.createObjectNode().put("compatibilityLevel", state.level(null));
            }
            if (method.equals("PUT")) {
                return RegistryState.JSON.createObjectNode()
                        .put("compatibility", state.setLevel(null, levelOf(body)));
            }
        }
        if ((m = CONFIG_SUBJECT.matcher(path)).matches()) {
            String subject = dec(m.group(1));
            if (method.equals("GET")) {
                String level = state.level(subject);
                if (level == null && query.contains("defaultToGlobal=true")) {
                    level = state.level(null);
                }
                if (level == null) {
                    throw new RegistryException(404, RegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                            "Subject '" + subject + "' does not have subject-level compatibility configured");
                }
                return RegistryState.JSON.createObjectNode().put("compatibilityLevel", level);
            }
            if (method.equals("PUT")) {
                return RegistryState.JSON.createObjectNode()
                        .put("compatibility", state.setLevel(subject, levelOf(body)));
            }
        }
        throw new RegistryException(404, 404, "HTTP 404 Not Found: " + method + " " + path);
    }

    private static ObjectNode versionJson(RegistryState.Version v) {
        return RegistryState.JSON.createObjectNode().put("subject", v.subject()).put("version", v.version())
                .put("id", v.id()).put("schema", v.schema());
    }

    private static void checkAvro(JsonNode body) {
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new RegistryException(422, RegistryException.INVALID_SCHEMA,
                    "Invalid schema: schemaType " + type + " is not supported, only AVRO");
        }
    }

    private static String schemaOf(JsonNode body) {
        JsonNode s = body.get("schema");
        if (s == null || !s.isTextual()) {
            throw new RegistryException(422, RegistryException.INVALID_SCHEMA,
                    "Invalid schema: the body needs a \"schema\" string");
        }
        return s.asText();
    }

    private static String levelOf(JsonNode body) {
        return body.path("compatibility").asText(body.path("compatibilityLevel").asText(null));
    }

    private static JsonNode tree(String json) {
        try {
            return RegistryState.JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored schema is not JSON: " + json, e);
        }
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static JsonNode readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) {
                return RegistryState.JSON.createObjectNode();
            }
            try {
                return RegistryState.JSON.readTree(bytes);
            } catch (IOException e) {
                throw new RegistryException(422, RegistryException.INVALID_SCHEMA,
                        "Invalid request body: " + e.getMessage());
            }
        }
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = RegistryState.JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", SchemaRegistryClient.CONTENT_TYPE);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
