package io.cocostream.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Category;
import io.cocostream.streams.Stores;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
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
 * {@code /internal/} endpoints; a question about all images asks every instance.
 */
final class ClusterSource implements CocoApi.Source {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final StoreSource local;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    ClusterSource(KafkaStreams streams, HostInfo self, StoreSource local) {
        this.streams = streams;
        this.self = self;
        this.local = local;
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
    static String url(HostInfo host, String pathAndQuery) {
        return "http://" + host.host() + ":" + host.port() + pathAndQuery;
    }

    /** Which instance holds an image's views; {@code self} when no instance is known yet. */
    HostInfo ownerOfImage(long imageId) {
        KeyQueryMetadata m = streams.queryMetadataForKey(Stores.IMAGE_VIEW, imageId, new LongSerializer());
        return m == null || m.equals(KeyQueryMetadata.NOT_AVAILABLE) ? self : m.activeHost();
    }

    boolean isSelf(HostInfo host) {
        return host.equals(self);
    }

    /** A GET to another instance; its failure is this request's failure, with the instance named. */
    String fetch(HostInfo host, String pathAndQuery) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(host, pathAndQuery))).timeout(TIMEOUT)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new Unavailable("instance " + host.host() + ":" + host.port() + " answered " + r.statusCode()
                        + " to " + pathAndQuery + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new Unavailable("instance " + host.host() + ":" + host.port() + " unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted asking " + host.host() + ":" + host.port());
        }
    }

    private JsonNode get(HostInfo host, String pathAndQuery) {
        try {
            return StoreSource.JSON.readTree(fetch(host, pathAndQuery));
        } catch (IOException e) {
            throw new Unavailable("instance " + host.host() + ":" + host.port() + " sent no JSON: " + e.getMessage());
        }
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
