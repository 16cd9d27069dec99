package io.cocostream.embedded.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cocostream.schemas.serde.RegistryException;
import io.cocostream.schemas.serde.SchemaRegistryClient;
import io.cocostream.schemas.serde.SerdeConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Confluent REST API of the embedded registry, over an in-memory log. */
class EmbeddedSchemaRegistryTest {
    static final Schema V1 = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Thing\",\"namespace\":\"t\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}");
    static final Schema V2_WITH_DEFAULT = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Thing\",\"namespace\":\"t\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
                    + "{\"name\":\"label\",\"type\":\"string\",\"default\":\"\"}]}");
    static final Schema V2_REQUIRED = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Thing\",\"namespace\":\"t\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
                    + "{\"name\":\"label\",\"type\":\"string\"}]}");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private EmbeddedSchemaRegistry registry;
    private SchemaRegistryClient client;

    @BeforeEach
    void start() throws IOException {
        registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, SchemaLog.inMemory());
        client = new SchemaRegistryClient(SerdeConfig.from(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url())));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(registry.url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", SchemaRegistryClient.CONTENT_TYPE);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int errorCode(HttpResponse<String> r) throws IOException {
        return json.readTree(r.body()).path("error_code").asInt();
    }

    private static String body(Schema s) {
        return "{\"schema\":" + new ObjectMapper().valueToTree(s.toString()) + "}";
    }

    @Test
    void registersVersionsAndAnswersWithConfluentShapes() throws Exception {
        int id = client.register("things-value", V1);
        assertEquals(id, client.register("things-value", V1), "registering again returns the same id");
        int id2 = client.register("things-value", V2_WITH_DEFAULT);
        assertNotEquals(id, id2);
        assertEquals(List.of("things-value"), client.subjects());

        HttpResponse<String> latest = call("GET", "/subjects/things-value/versions/latest", null);
        assertEquals(200, latest.statusCode());
        assertEquals(SchemaRegistryClient.CONTENT_TYPE, latest.headers().firstValue("Content-Type").orElse(""));
        JsonNode l = json.readTree(latest.body());
        assertEquals("things-value", l.get("subject").asText());
        assertEquals(2, l.get("version").asInt());
        assertEquals(id2, l.get("id").asInt());
        assertEquals("[1,2]", call("GET", "/subjects/things-value/versions", null).body());
        assertEquals(V1, client.schemaById(id));
        assertEquals(1, client.lookup("things-value", V1).version());
        assertEquals(V1, new Schema.Parser().parse(call("GET", "/subjects/things-value/versions/1/schema", null).body()));
    }

    @Test
    void theSameSchemaGetsTheSameIdUnderAnySubject() {
        int a = client.register("a-value", V1);
        int b = client.register("b-value", new Schema.Parser().parse(V1.toString(true)));
        assertEquals(a, b);
    }

    @Test
    void incompatibleSchemaIs409WithTheReason() throws Exception {
        client.register("things-value", V1);
        RegistryException e = assertThrows(RegistryException.class, () -> client.register("things-value", V2_REQUIRED));
        assertEquals(409, e.errorCode());
        assertTrue(e.getMessage().contains("incompatible") && e.getMessage().contains("label"), e.getMessage());
        assertEquals(List.of(), client.incompatibilities("things-value", V2_WITH_DEFAULT));
        assertTrue(client.incompatibilities("things-value", V2_REQUIRED).get(0).contains("READER_FIELD_MISSING_DEFAULT_VALUE"));
        // NONE lets anything through.
        client.setCompatibility("things-value", "NONE");
        client.register("things-value", V2_REQUIRED);
    }

    @Test
    void errorCodesAreConfluents() throws Exception {
        assertEquals(40401, errorCode(call("GET", "/subjects/nope/versions/latest", null)));
        assertEquals(404, call("GET", "/subjects/nope/versions/latest", null).statusCode());
        client.register("things-value", V1);
        assertEquals(40402, errorCode(call("GET", "/subjects/things-value/versions/7", null)));
        assertEquals(40403, errorCode(call("GET", "/schemas/ids/999", null)));
        assertEquals(40403, errorCode(call("POST", "/subjects/things-value", body(V2_WITH_DEFAULT))));
        assertEquals(42201, errorCode(call("POST", "/subjects/x-value/versions", "{\"schema\":\"{not avro\"}")));
        assertEquals(422, call("POST", "/subjects/x-value/versions", "{\"schema\":\"{not avro\"}").statusCode());
        assertEquals(42202, errorCode(call("GET", "/subjects/things-value/versions/zero", null)));
        assertEquals(409, call("POST", "/subjects/things-value/versions", body(V2_REQUIRED)).statusCode());
        assertEquals(40408, errorCode(call("GET", "/config/things-value", null)));
        assertEquals(42203, errorCode(call("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}")));
    }

    @Test
    void configIsGlobalOrPerSubject() throws Exception {
        assertEquals("BACKWARD", json.readTree(call("GET", "/config", null).body()).get("compatibilityLevel").asText());
        assertEquals("FULL", json.readTree(call("PUT", "/config", "{\"compatibility\":\"FULL\"}").body())
                .get("compatibility").asText());
        assertEquals("FULL", json.readTree(call("GET", "/config/s?defaultToGlobal=true", null).body())
                .get("compatibilityLevel").asText());
        call("PUT", "/config/s", "{\"compatibility\":\"NONE\"}");
        assertEquals("NONE", json.readTree(call("GET", "/config/s", null).body()).get("compatibilityLevel").asText());
    }

    @Test
    void deleteSubjectSoftThenPermanent() throws Exception {
        int id = client.register("things-value", V1);
        assertEquals("[1]", call("DELETE", "/subjects/things-value", null).body());
        assertEquals(40401, errorCode(call("GET", "/subjects/things-value/versions", null)));
        assertEquals(V1, client.schemaById(id), "ids stay resolvable for old records");
        assertEquals("[]", call("GET", "/subjects", null).body());
        assertEquals("[1]", call("DELETE", "/subjects/things-value?permanent=true", null).body());
        assertEquals(40401, errorCode(call("DELETE", "/subjects/things-value", null)));
    }

    @Test
    void compatibilityEndpointAnswersVerbosely() throws Exception {
        client.register("things-value", V1);
        JsonNode r = json.readTree(call("POST", "/compatibility/subjects/things-value/versions/latest?verbose=true",
                body(V2_REQUIRED)).body());
        assertEquals(false, r.get("is_compatible").asBoolean());
        assertTrue(r.get("messages").size() > 0);
        JsonNode ok = json.readTree(call("POST", "/compatibility/subjects/things-value/versions/1", body(V2_WITH_DEFAULT)).body());
        assertEquals(true, ok.get("is_compatible").asBoolean());
    }

    @Test
    void stateIsRebuiltFromTheLog() throws IOException {
        SchemaLog log = SchemaLog.inMemory();
        int id;
        try (EmbeddedSchemaRegistry r = EmbeddedSchemaRegistry.start("127.0.0.1", 0, log)) {
            SchemaRegistryClient c = new SchemaRegistryClient(SerdeConfig.from(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, r.url())));
            c.register("z-value", V1);
            id = c.register("z-value", V2_WITH_DEFAULT);
        }
        RegistryState replayed = new RegistryState(log);
        assertEquals(id, replayed.version("z-value", "latest").id());
        assertEquals(id + 1, replayed.register("other-value", V2_REQUIRED.toString()), "new ids continue after the replayed ones");
    }

    @Test
    void withBasicAuthOnlyTheRightCredentialsAreAnsweredAndTheClientSaysWhichRegistryRefused() throws Exception {
        try (EmbeddedSchemaRegistry guarded = EmbeddedSchemaRegistry.start("127.0.0.1", 0, SchemaLog.inMemory(), "qa:s3cret")) {
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(guarded.url() + "/subjects")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode());
            assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
            Map<String, Object> right = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, guarded.url(),
                    SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO", SerdeConfig.BASIC_AUTH_USER_INFO, "qa:s3cret");
            int id = new SchemaRegistryClient(SerdeConfig.from(right)).register("t-value", V1);
            assertTrue(id > 0);
            Map<String, Object> wrong = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, guarded.url(),
                    SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO", SerdeConfig.BASIC_AUTH_USER_INFO, "qa:guess");
            RegistryException e = assertThrows(RegistryException.class,
                    () -> new SchemaRegistryClient(SerdeConfig.from(wrong)).register("t-value", V1));
            assertEquals(401, e.status());
            assertTrue(e.getMessage().contains(guarded.url()), e.getMessage());
        }
    }
}
