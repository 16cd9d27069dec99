package io.cocostream.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.eval.EvalParams.IouType;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.ImageEvaluation;
import io.cocostream.schemas.avro.ResultsView;
import io.cocostream.streams.Stores;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The COCO API's images across every instance of the app: keys held here are read from the local
 * stores, keys held elsewhere are asked of their instance ({@code application.server}) over its
 * {@code /internal/} endpoints; a question about all images asks every instance. A run's data
 * (results, evaluations, ground-truth counts) is likewise asked of {@code /internal/run-data}.
 */
final class ClusterSource implements CocoApi.Source, RunApi.Data {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final StoreSource local;
    private final ApiSecurity security;
    private final HttpClient http;

    ClusterSource(KafkaStreams streams, HostInfo self, StoreSource local, ApiSecurity security) {
        this.streams = streams;
        this.self = self;
        this.local = local;
        this.security = security;
        this.http = security.client().connectTimeout(TIMEOUT).build();
    }

    @Override
    public List<CocoApi.Entry> images(Kind kind, Collection<Long> ids) {
        List<CocoApi.Entry> out = new ArrayList<>();
        if (ids == null) {
            out.addAll(local.images(kind, null));
            for (HostInfo host : others()) {
                entries(out, get(host, "/internal/images?kind=" + kind.id()));
            }
            return out;
        }
        Map<HostInfo, List<Long>> byHost = byOwner(ids, StoreSource.storeOf(kind), id -> id, new LongSerializer());
        for (Map.Entry<HostInfo, List<Long>> e : byHost.entrySet()) {
            if (e.getKey().equals(self)) {
                out.addAll(local.images(kind, e.getValue()));
            } else {
                entries(out, get(e.getKey(), "/internal/images?kind=" + kind.id() + "&ids=" + join(e.getValue())));
            }
        }
        return out;
    }

    @Override
    public Map<Long, Long> owners(Kind kind, Collection<Long> annotationIds) {
        Map<Long, Long> out = new LinkedHashMap<>();
        Map<HostInfo, List<Long>> byHost = byOwner(annotationIds, Stores.ANNOTATION_IDS, kind::key,
                new StringSerializer());
        for (Map.Entry<HostInfo, List<Long>> e : byHost.entrySet()) {
            if (e.getKey().equals(self)) {
                out.putAll(local.owners(kind, e.getValue()));
            } else {
                get(e.getKey(), "/internal/owners?kind=" + kind.id() + "&ids=" + join(e.getValue())).fields()
                        .forEachRemaining(f -> out.put(Long.parseLong(f.getKey()), f.getValue().asLong()));
            }
        }
        return out;
    }

    @Override
    public List<Category> categories(Kind kind) {
        // a global store: every instance holds all of it
        return local.categories(kind);
    }

    @Override
    public Map<Long, ResultsView> results(String run, Collection<Long> imageIds) {
        String q = "what=results&run=" + encode(run);
        if (imageIds == null) {
            Map<Long, ResultsView> out = new LinkedHashMap<>(local.results(run, null));
            others().forEach(h -> records(get(h, "/internal/run-data?" + q), ResultsView.class, out));
            return out;
        }
        Map<HostInfo, List<Long>> byHost = new LinkedHashMap<>();
        for (long id : imageIds) {
            byHost.computeIfAbsent(ownerOfImage(id), h -> new ArrayList<>()).add(id);
        }
        Map<Long, ResultsView> out = new LinkedHashMap<>();
        for (Map.Entry<HostInfo, List<Long>> e : byHost.entrySet()) {
            if (isSelf(e.getKey())) {
                out.putAll(local.results(run, e.getValue()));
            } else {
                records(get(e.getKey(), "/internal/run-data?" + q + "&ids=" + join(e.getValue())), ResultsView.class, out);
            }
        }
        return out;
    }

    @Override
    public Map<Long, ImageEvaluation> evaluations(String run, IouType type) {
        Map<Long, ImageEvaluation> out = new HashMap<>(local.evaluations(run, type));
        String q = "/internal/run-data?what=evaluations&run=" + encode(run) + "&iouType=" + type.name();
        others().forEach(h -> records(get(h, q), ImageEvaluation.class, out));
        return out;
    }

    @Override
    public Map<Long, ImageEvaluation> groundTruthCounts(Kind kind) {
        Map<Long, ImageEvaluation> out = new HashMap<>(local.groundTruthCounts(kind));
        others().forEach(h -> records(get(h, "/internal/run-data?what=ground-truth&kind=" + kind.id()), ImageEvaluation.class,
                out));
        return out;
    }

    @Override
    public Map<String, Long> runs() {
        Map<String, Long> out = new TreeMap<>(local.runs());
        for (HostInfo h : others()) {
            get(h, "/internal/run-data?what=runs").fields().forEachRemaining(f -> out.merge(f.getKey(), f.getValue().asLong(),
                    Long::sum));
        }
        return out;
    }

    @Override
    public List<BatchReport> reports() {
        List<BatchReport> out = new ArrayList<>(local.reports());
        for (HostInfo h : others()) {
            Map<Long, BatchReport> m = new LinkedHashMap<>();
            records(get(h, "/internal/run-data?what=reports"), BatchReport.class, m);
            out.addAll(m.values());
        }
        return out;
    }

    /** This instance's answer to {@code /internal/run-data}: records as {@link AvroBytes}, keyed by image id (runs: counts). */
    static ObjectNode runData(RunApi.Data local, Map<String, String> q) {
        ObjectNode o = StoreSource.JSON.createObjectNode();
        String what = q.getOrDefault("what", "");
        switch (what) {
            case "results" -> local.results(q.get("run"), q.containsKey("ids") ? Params.longs(q, "ids") : null)
                    .forEach((id, v) -> o.put(String.valueOf(id), AvroBytes.encode(v)));
            case "evaluations" -> local.evaluations(q.get("run"), IouType.valueOf(q.get("iouType")))
                    .forEach((id, v) -> o.put(String.valueOf(id), AvroBytes.encode(v)));
            case "ground-truth" -> local.groundTruthCounts(Kind.parse(q.get("kind")))
                    .forEach((id, v) -> o.put(String.valueOf(id), AvroBytes.encode(v)));
            case "runs" -> local.runs().forEach(o::put);
            case "reports" -> {
                long i = 0;
                for (BatchReport r : local.reports()) {
                    o.put(String.valueOf(i++), AvroBytes.encode(r));
                }
            }
            default -> throw new IllegalArgumentException("what: one of results, evaluations, ground-truth, runs, reports");
        }
        return o;
    }

    private static <T extends SpecificRecord> void records(JsonNode o, Class<T> type, Map<Long, T> out) {
        o.fields().forEachRemaining(f -> out.put(Long.parseLong(f.getKey()), AvroBytes.decode(type, f.getValue().asText())));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Which instance holds each key (its active task); keys of no instance yet are skipped. */
    private <K> Map<HostInfo, List<Long>> byOwner(Collection<Long> ids, String store, Function<Long, K> key,
            Serializer<K> serializer) {
        Map<HostInfo, List<Long>> byHost = new LinkedHashMap<>();
        for (long id : ids) {
            KeyQueryMetadata m = streams.queryMetadataForKey(store, key.apply(id), serializer);
            if (m != null && !m.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
                byHost.computeIfAbsent(m.activeHost(), h -> new ArrayList<>()).add(id);
            }
        }
        return byHost;
    }

    private List<HostInfo> others() {
        return streams.metadataForAllStreamsClients().stream().map(StreamsMetadata::hostInfo)
                .filter(h -> !h.equals(self)).distinct().collect(Collectors.toList());
    }

    /** The URL a key held by {@code host} is served from, for forwarding a whole request. */
    private String url(HostInfo host, String pathAndQuery) {
        return security.scheme() + "://" + host.host() + ":" + host.port() + pathAndQuery;
    }

    /** Which instance holds an image's views; {@code self} when no instance is known yet. */
    HostInfo ownerOfImage(long imageId) {
        KeyQueryMetadata m = streams.queryMetadataForKey(Stores.IMAGE_VIEW, imageId, new LongSerializer());
        return m == null || m.equals(KeyQueryMetadata.NOT_AVAILABLE) ? self : m.activeHost();
    }

    boolean isSelf(HostInfo host) {
        return host.equals(self);
    }

    /** A GET to another instance, its answer as text (an SVG); its failure is this request's failure, with the instance named. */
    String fetch(HostInfo host, String pathAndQuery) {
        try (InputStream in = open(host, pathAndQuery)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw unreachable(host, e);
        }
    }

    /** A GET to another instance, its JSON parsed as it arrives (an answer of every image view is not held as text too). */
    private JsonNode get(HostInfo host, String pathAndQuery) {
        try (InputStream in = open(host, pathAndQuery)) {
            return StoreSource.JSON.readTree(in);
        } catch (IOException e) {
            throw new Unavailable("instance " + host.host() + ":" + host.port() + " sent no JSON: " + e.getMessage());
        }
    }

    /** The body of another instance's 200 to a GET; any other answer is an {@link Unavailable} naming it. */
    private InputStream open(HostInfo host, String pathAndQuery) {
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url(host, pathAndQuery)))
                    .timeout(TIMEOUT).header(ApiSecurity.INTERNAL_HEADER, security.internalToken()).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                try (InputStream body = r.body()) {
                    throw new Unavailable("instance " + host.host() + ":" + host.port() + " answered " + r.statusCode()
                            + " to " + pathAndQuery + ": " + new String(body.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            return r.body();
        } catch (IOException e) {
            throw unreachable(host, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted asking " + host.host() + ":" + host.port());
        }
    }

    private static Unavailable unreachable(HostInfo host, IOException e) {
        return new Unavailable("instance " + host.host() + ":" + host.port() + " unreachable: " + e.getMessage());
    }

    private static void entries(List<CocoApi.Entry> out, JsonNode list) {
        for (JsonNode e : list) {
            List<JsonNode> anns = new ArrayList<>();
            e.get("annotations").forEach(anns::add);
            out.add(new CocoApi.Entry(e.get("id").asLong(), e.get("image"), anns));
        }
    }

    private static String join(List<Long> ids) {
        return URLEncoder.encode(ids.stream().map(String::valueOf).collect(Collectors.joining(",")), StandardCharsets.UTF_8);
    }

    /** Another instance could not answer (it is restarting, or the group is rebalancing): retry later. */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }
}
