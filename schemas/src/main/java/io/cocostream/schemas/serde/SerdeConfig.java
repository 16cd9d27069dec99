package io.cocostream.schemas.serde;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * The serde's settings, under Confluent's keys so that existing client configurations work
 * unchanged. Each key is documented once, here.
 */
public record SerdeConfig(
        List<URI> urls,
        Optional<String> userInfo,
        boolean autoRegister,
        boolean useLatestVersion,
        SubjectNameStrategy keyStrategy,
        SubjectNameStrategy valueStrategy,
        boolean specificReader,
        int maxRetries,
        Duration retryBackoff,
        Duration requestTimeout) {

    /** Comma-separated registry base URLs; tried in order, failing over to the next. Required. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** {@code USER_INFO} (use basic.auth.user.info) or {@code URL} (credentials in the URL); unset: no auth. */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password} for HTTP basic auth with source USER_INFO. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Register the record's schema on first use (default true); false: look it up and fail if absent. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Write with the subject's latest registered schema instead of the record's own (default false). */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /** Subject name strategy for keys (default TopicNameStrategy). */
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    /** Subject name strategy for values (default TopicNameStrategy). */
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    /** Deserialize into generated classes (default true here; Confluent's default is false). */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    /** Retries per request before the registry is declared unreachable (default 3). */
    public static final String MAX_RETRIES = "schema.registry.max.retries";
    /** First backoff between retries, doubled each time (default 100 ms). */
    public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";
    /** Timeout of one HTTP request (default 10000 ms). */
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";

    /** Parses a Kafka-style config map. */
    public static SerdeConfig from(Map<String, ?> configs) {
        Object url = configs.get(SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL + " is required (e.g. http://127.0.0.1:8081)");
        }
        List<URI> urls = new ArrayList<>();
        for (String u : url.toString().split(",")) {
            String s = u.trim();
            if (!s.isEmpty()) {
                urls.add(URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s));
            }
        }
        Optional<String> userInfo = Optional.empty();
        String source = string(configs, BASIC_AUTH_CREDENTIALS_SOURCE, "");
        switch (source.toUpperCase(java.util.Locale.ROOT)) {
            case "":
                break;
            case "USER_INFO":
                String info = string(configs, BASIC_AUTH_USER_INFO, "");
                if (!info.contains(":")) {
                    throw new ConfigException(BASIC_AUTH_USER_INFO + " must be user:password with "
                            + BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO");
                }
                userInfo = Optional.of(info);
                break;
            case "URL":
                userInfo = Optional.ofNullable(urls.get(0).getUserInfo());
                break;
            default:
                throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE + "=" + source
                        + " is not supported: use USER_INFO or URL");
        }
        return new SerdeConfig(
                List.copyOf(urls),
                userInfo,
                bool(configs, AUTO_REGISTER_SCHEMAS, true),
                bool(configs, USE_LATEST_VERSION, false),
                SubjectNameStrategy.parse(string(configs, KEY_SUBJECT_NAME_STRATEGY, "TopicNameStrategy")),
                SubjectNameStrategy.parse(string(configs, VALUE_SUBJECT_NAME_STRATEGY, "TopicNameStrategy")),
                bool(configs, SPECIFIC_AVRO_READER, true),
                Integer.parseInt(string(configs, MAX_RETRIES, "3")),
                Duration.ofMillis(Long.parseLong(string(configs, RETRY_BACKOFF_MS, "100"))),
                Duration.ofMillis(Long.parseLong(string(configs, REQUEST_TIMEOUT_MS, "10000"))));
    }

    private static String string(Map<String, ?> configs, String key, String dflt) {
        Object v = configs.get(key);
        return v == null ? dflt : v.toString().trim();
    }

    private static boolean bool(Map<String, ?> configs, String key, boolean dflt) {
        Object v = configs.get(key);
        if (v == null) {
            return dflt;
        }
        String s = v.toString().trim();
        if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) {
            throw new ConfigException(key, v, "expected true or false");
        }
        return Boolean.parseBoolean(s);
    }
}
