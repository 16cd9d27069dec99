package io.cocostream.embedded.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.schemas.serde.RegistryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;

/**
 * The registry's state machine: subjects, versions, global ids and compatibility levels, changed
 * only by applying records of the log ({@code _schemas}, in Confluent's key/value JSON), so that
 * replaying the log after a restart rebuilds the same ids. Thread-safe by synchronization: a
 * registry sees a handful of writes per deployment.
 */
public final class RegistryState {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> LEVELS = Set.of("NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD",
            "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE");

    /** One registered version. */
    public record Version(String subject, int version, int id, String schema, boolean deleted) {}

    private final SchemaLog log;
    private final Map<String, TreeMap<Integer, Version>> subjects = new TreeMap<>();
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByCanonical = new HashMap<>();
    private final Map<String, String> levels = new HashMap<>();
    private String globalLevel = "BACKWARD";
    private int maxId;

    public RegistryState(SchemaLog log) {
        this.log = log;
        log.replay(this::apply);
    }

    /** Applies one log record; null value = tombstone. */
    synchronized void apply(String keyJson, String valueJson) {
        JsonNode key = read(keyJson);
        String type = key.path("keytype").asText();
        if (type.equals("CONFIG")) {
            String subject = key.path("subject").isNull() || key.path("subject").isMissingNode()
                    ? null : key.path("subject").asText();
            String level = valueJson == null ? null : read(valueJson).path("compatibilityLevel").asText();
            if (subject == null) {
                globalLevel = level == null ? "BACKWARD" : level;
            } else if (level == null) {
                levels.remove(subject);
            } else {
                levels.put(subject, level);
            }
        } else if (type.equals("SCHEMA")) {
            String subject = key.path("subject").asText();
            int version = key.path("version").asInt();
            if (valueJson == null) {
                TreeMap<Integer, Version> versions = subjects.get(subject);
                if (versions != null) {
                    versions.remove(version);
                    if (versions.isEmpty()) {
                        subjects.remove(subject);
                    }
                }
                return;
            }
            JsonNode v = read(valueJson);
            int id = v.path("id").asInt();
            String schema = v.path("schema").asText();
            subjects.computeIfAbsent(subject, s -> new TreeMap<>())
                    .put(version, new Version(subject, version, id, schema, v.path("deleted").asBoolean(false)));
            schemasById.put(id, schema);
            idsByCanonical.putIfAbsent(canonical(parse(schema)), id);
            maxId = Math.max(maxId, id);
        }
    }

    /** POST /subjects/{s}/versions: the id of the schema under the subject, registering it if new. */
    public synchronized int register(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        String canon = canonical(schema);
        List<Version> live = live(subject);
        for (Version v : live) {
            if (canonical(parse(v.schema())).equals(canon)) {
                return v.id();
            }
        }
        List<String> problems = incompatibilities(subject, schema, live, levelOf(subject));
        if (!problems.isEmpty()) {
            throw new RegistryException(409, RegistryException.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                            + "\" (compatibility " + levelOf(subject) + "): " + String.join("; ", problems));
        }
        Integer existing = idsByCanonical.get(canon);
        int id = existing != null ? existing : maxId + 1;
        TreeMap<Integer, Version> all = subjects.get(subject);
        int version = all == null || all.isEmpty() ? 1 : all.lastKey() + 1;
        ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject)
                .put("version", version).put("magic", 1);
        ObjectNode value = JSON.createObjectNode().put("subject", subject).put("version", version)
                .put("id", id).put("schema", canon).put("deleted", false);
        append(key, value);
        return id;
    }

    /** POST /subjects/{s}: the registered version holding this schema. */
    public synchronized Version lookup(String subject, String schemaText) {
        String canon = canonical(parse(schemaText));
        List<Version> live = requireSubject(subject);
        for (Version v : live) {
            if (canonical(parse(v.schema())).equals(canon)) {
                return v;
            }
        }
        throw new RegistryException(404, RegistryException.SCHEMA_NOT_FOUND, "Schema not found");
    }

    /** GET /subjects/{s}/versions/{v|latest}. */
    public synchronized Version version(String subject, String version) {
        List<Version> live = requireSubject(subject);
        if (version.equals("latest") || version.equals("-1")) {
            return live.get(live.size() - 1);
        }
        int n;
        try {
            n = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw invalidVersion(version);
        }
        if (n <= 0) {
            throw invalidVersion(version);
        }
        for (Version v : live) {
            if (v.version() == n) {
                return v;
            }
        }
        throw new RegistryException(404, RegistryException.VERSION_NOT_FOUND,
                "Version " + n + " not found for subject " + subject + ".");
    }

    private static RegistryException invalidVersion(String version) {
        return new RegistryException(422, RegistryException.INVALID_VERSION,
                "The specified version '" + version + "' is not a valid version id. Allowed values are between"
                        + " [1, 2^31-1] and the string \"latest\"");
    }

    /** GET /subjects/{s}/versions. */
    public synchronized List<Integer> versions(String subject) {
        return requireSubject(subject).stream().map(Version::version).toList();
    }

    /** GET /subjects. */
    public synchronized List<String> subjects() {
        return subjects.keySet().stream().filter(s -> !live(s).isEmpty()).toList();
    }

    /** GET /schemas/ids/{id}. */
    public synchronized String schemaById(int id) {
        String s = schemasById.get(id);
        if (s == null) {
            throw new RegistryException(404, RegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return s;
    }

    /** POST /compatibility/subjects/{s}/versions/{v|latest}: reasons it is not compatible (empty: it is). */
    public synchronized List<String> checkCompatibility(String subject, String version, String schemaText) {
        Schema schema = parse(schemaText);
        String level = levelOf(subject);
        if (subjects.containsKey(subject) && !live(subject).isEmpty()) {
            Version against = version(subject, version);
            List<Version> target = level.endsWith("_TRANSITIVE") && version.equals("latest") ? live(subject)
                    : List.of(against);
            return incompatibilities(subject, schema, target, level);
        }
        return List.of();
    }

    /** DELETE /subjects/{s}: soft-deletes (or with permanent, removes) every version; returns them. */
    public synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
        TreeMap<Integer, Version> all = subjects.get(subject);
        if (all == null || all.isEmpty()) {
            throw subjectNotFound(subject);
        }
        List<Integer> deleted = new ArrayList<>();
        for (Version v : new ArrayList<>(all.values())) {
            if (!permanent && v.deleted()) {
                continue;
            }
            ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject)
                    .put("version", v.version()).put("magic", 1);
            if (permanent) {
                append(key, null);
            } else {
                append(key, JSON.createObjectNode().put("subject", subject).put("version", v.version())
                        .put("id", v.id()).put("schema", v.schema()).put("deleted", true));
            }
            deleted.add(v.version());
        }
        if (deleted.isEmpty()) {
            throw subjectNotFound(subject);
        }
        return deleted;
    }

    /** GET /config or /config/{s}; null when the subject has no level of its own. */
    public synchronized String level(String subject) {
        return subject == null ? globalLevel : levels.get(subject);
    }

    /** PUT /config or /config/{s}. */
    public synchronized String setLevel(String subject, String level) {
        String l = level == null ? "" : level.toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(l)) {
            throw new RegistryException(422, RegistryException.INVALID_COMPATIBILITY_LEVEL,
                    "Invalid compatibility level '" + level + "'. Valid values are " + LEVELS);
        }
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG").put("magic", 0);
        if (subject == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subject);
        }
        append(key, JSON.createObjectNode().put("compatibilityLevel", l));
        return l;
    }

    private String levelOf(String subject) {
        return levels.getOrDefault(subject, globalLevel);
    }

    private void append(ObjectNode key, ObjectNode value) {
        String k = key.toString();
        String v = value == null ? null : value.toString();
        log.append(k, v);
        apply(k, v);
    }

    private List<Version> live(String subject) {
        TreeMap<Integer, Version> all = subjects.get(subject);
        if (all == null) {
            return List.of();
        }
        return all.values().stream().filter(v -> !v.deleted()).toList();
    }

    private List<Version> requireSubject(String subject) {
        List<Version> live = live(subject);
        if (live.isEmpty()) {
            throw subjectNotFound(subject);
        }
        return live;
    }

    private static RegistryException subjectNotFound(String subject) {
        return new RegistryException(404, RegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    /** Avro's reader/writer check in the directions a level asks for, against the versions it covers. */
    private static List<String> incompatibilities(String subject, Schema candidate, List<Version> existing,
            String level) {
        if (level.equals("NONE") || existing.isEmpty()) {
            return List.of();
        }
        List<Version> against = level.endsWith("_TRANSITIVE") ? existing : List.of(existing.get(existing.size() - 1));
        boolean backward = level.startsWith("BACKWARD") || level.startsWith("FULL");
        boolean forward = level.startsWith("FORWARD") || level.startsWith("FULL");
        List<String> problems = new ArrayList<>();
        for (Version v : against) {
            Schema old = parse(v.schema());
            if (backward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old),
                        "new schema cannot read data written with version " + v.version(), problems);
            }
            if (forward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(old, candidate),
                        "version " + v.version() + " cannot read data written with the new schema", problems);
            }
        }
        return problems;
    }

    private static void describe(SchemaCompatibility.SchemaPairCompatibility c, String what, List<String> out) {
        if (c.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (SchemaCompatibility.Incompatibility i : c.getResult().getIncompatibilities()) {
            out.add(what + ": " + i.getType() + " at " + i.getLocation() + ": " + i.getMessage());
        }
    }

    static Schema parse(String text) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException | NullPointerException e) {
            throw new RegistryException(422, RegistryException.INVALID_SCHEMA,
                    "Invalid schema: " + (e.getMessage() == null ? "no schema" : e.getMessage()));
        }
    }

    /** The canonical text that decides "same schema, same id": the parsed schema re-printed (defaults and docs kept). */
    static String canonical(Schema s) {
        return s.toString();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("corrupt registry log record: " + json, e);
        }
    }
}
