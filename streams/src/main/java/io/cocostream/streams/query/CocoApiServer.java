package io.cocostream.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cocostream.eval.EvalParams.IouType;
import io.cocostream.metrics.MetricsServer;
import io.cocostream.metrics.Prometheus;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.PanopticView;
import io.cocostream.streams.Stores;
import io.cocostream.streams.coco.CocoJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code cocostream serve}: the COCO API over HTTP from the running topology's state stores.
 * {@code /coco/<function>} with pycocotools' names and parameters (lists as {@code 1,2,3}; an
 * optional {@code kind}, default instances); with {@code run=R} every one of them answers over
 * that run's results as the COCO object loadRes makes on the kind's ground truth ({@link RunApi}).
 * {@code /coco/runs} lists the runs, {@code /coco/eval?run=R&iouType=bbox|segm|keypoints} is
 * COCOeval over what the views hold now (every ground-truth image, or those of {@code imgIds}). {@code /internal/} is what instances ask each other.
 * 400 for a bad parameter, 404 for an id that does not exist, and 503 with {@code Retry-After}
 * whenever the topology is not RUNNING (starting, restoring its stores, rebalancing): a store that
 * is not fully restored would answer an empty list or a not-found where the data exists.
 * {@code /healthz} (ready: the topology is RUNNING) and {@code /livez} (alive) are for probes;
 * {@code /metrics}, given a {@link Prometheus}, for scrapers.
 * With a {@link QaPage}, its paths ({@code /}, {@code /alerts}, ...) are served too, stores or not.
 *
 * <p>It passes 400 lines because it is the whole HTTP surface on the JDK's server: routing, the
 * parameters' parsing and the errors of every endpoint; a server library would take the routing.
 */
public final class CocoApiServer implements AutoCloseable {
    /**
     * The longest query answered (about 30,000 ids); a longer one is a 414. Under the JDK server's
     * own limit on a request's head (384 KiB), past which it closes the connection unanswered.
     */
    static final int MAX_QUERY = 1 << 18;

    private final HttpServer server;
    private final ExecutorService executor;
    private final StoreSource local;
    private final ClusterSource cluster;
    private final CocoApi api;
    private final RunApi runs;
    private final KafkaStreams streams;
    private final HostInfo self;
    private final QaPage qa;
    private final EvaluationPublisher evaluations;
    private final Prometheus metrics;

    private CocoApiServer(HttpServer server, ExecutorService executor, KafkaStreams streams, HostInfo self, QaPage qa,
            Prometheus metrics) {
        this.metrics = metrics;
        this.server = server;
        this.executor = executor;
        this.local = new StoreSource(new StoreSource.Queryable() {
            @Override
            public <K, V> ReadOnlyKeyValueStore<K, V> store(String name) {
                return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, V>keyValueStore()));
            }
        });
        this.cluster = new ClusterSource(streams, self, local);
        this.api = new CocoApi(cluster);
        this.runs = new RunApi(cluster, cluster);
        this.streams = streams;
        this.self = self;
        this.qa = qa;
        this.evaluations = qa == null ? null : EvaluationPublisher.start(qa.feed(), runs, streams, self, qa.clientConfig());
    }

    /**
     * Serves on {@code bindHost:port} (port 0: any free one).
     *
     * @param self this instance as the others reach it: its {@code application.server}
     */
    public static CocoApiServer start(KafkaStreams streams, HostInfo self, String bindHost, int port) throws IOException {
        return start(streams, self, bindHost, port, null);
    }

    /**
     * Serves as {@link #start(KafkaStreams, HostInfo, String, int)} does, and {@code qa}'s page (closed
     * with the server); with a page, each validated results batch's run is evaluated to
     * {@code coco.evaluations.v1} ({@link EvaluationPublisher}).
     */
    public static CocoApiServer start(KafkaStreams streams, HostInfo self, String bindHost, int port, QaPage qa)
            throws IOException {
        return start(streams, self, bindHost, port, qa, null);
    }

    /** Serves as {@link #start(KafkaStreams, HostInfo, String, int, QaPage)} does, and {@code /metrics} from {@code metrics}. */
    public static CocoApiServer start(KafkaStreams streams, HostInfo self, String bindHost, int port, QaPage qa,
            Prometheus metrics) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bindHost, port), 64);
        ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "cocostream-serve");
            t.setDaemon(true);
            return t;
        });
        CocoApiServer s = new CocoApiServer(server, executor, streams, self, qa, metrics);
        server.createContext("/", s::handle);
        server.setExecutor(executor);
        server.start();
        return s;
    }

    /** The port served on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        boolean done = true;
        try {
            String path = x.getRequestURI().getPath();
            try {
                if (x.getRequestURI().getRawQuery() != null && x.getRequestURI().getRawQuery().length() > MAX_QUERY) {
                    send(x, 414, error("query over " + MAX_QUERY + " characters: ask for fewer ids at once"));
                    return;
                }
                Map<String, String> q = query(x.getRequestURI().getRawQuery());
                if (!x.getRequestMethod().equals("GET")) {
                    send(x, 405, error("only GET"));
                    return;
                }
                if (metrics != null && path.equals("/metrics")) {
                    MetricsServer.send(x, 200, Prometheus.CONTENT_TYPE, metrics.scrape());
                    return;
                }
                if (qa != null && QaPage.handles(path)) {
                    done = qa.handle(x, path, q);
                    return;
                }
                Kind kind = Kind.parse(q.getOrDefault("kind", Kind.INSTANCES.id()));
                switch (path) {
                    case "/healthz" -> health(x, streams.state() == KafkaStreams.State.RUNNING);
                    case "/livez" -> health(x, streams.state().isRunningOrRebalancing()
                            || streams.state() == KafkaStreams.State.CREATED);
                    default -> answer(x, path, kind, q);
                }
            } catch (IllegalArgumentException e) {
                send(x, 400, error(e.getMessage()));
            } catch (NoSuchElementException e) {
                send(x, 404, error(e.getMessage()));
            } catch (InvalidStateStoreException | ClusterSource.Unavailable e) {
                x.getResponseHeaders().set("Retry-After", "1");
                send(x, 503, error("views not queryable right now (" + e.getMessage() + "): retry"));
            }
        } finally {
            if (done) {
                x.close();
            }
        }
    }

    /** A call that reads the stores: only while the topology is RUNNING, every local store restored. */
    private void answer(HttpExchange x, String path, Kind kind, Map<String, String> q) throws IOException {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            throw new ClusterSource.Unavailable("the topology is " + state + ", its stores not all restored");
        }
        requireRestored();
        switch (path) {
            case "/coco/showAnns", "/internal/showAnns" -> showAnns(x, path, kind, q);
            default -> send(x, 200, StoreSource.JSON.writeValueAsString(result(path, kind, q)));
        }
    }

    /**
     * Every partition of every store this instance hosts, asked for by itself: a partition whose
     * task is still restoring is missing from the stores a plain query sees (it answers empty, or
     * not found), where asked by partition it throws, and the call is a 503.
     */
    private void requireRestored() {
        for (String store : QUERIED) {
            Set<Integer> partitions = new TreeSet<>();
            for (StreamsMetadata m : streams.streamsMetadataForStore(store)) {
                if (m.hostInfo().equals(self)) {
                    m.topicPartitions().forEach(tp -> partitions.add(tp.partition()));
                }
            }
            for (int partition : partitions) {
                streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore())
                        .withPartition(partition));
            }
        }
    }

    /** The stores the API reads (the categories are a global store, always whole). */
    private static final List<String> QUERIED = List.of(Stores.IMAGE_VIEW, Stores.PANOPTIC_VIEW, Stores.ANNOTATION_IDS,
            Stores.RESULTS_VIEW, Stores.RUN_EVALUATIONS, Stores.GROUND_TRUTH_COUNTS, Stores.RUNS, Stores.BATCH_REPORTS);

    private Object result(String path, Kind kind, Map<String, String> q) {
        StoreSource.storeOf(kind); // refuses an unknown kind (400) before any store is touched
        switch (path) {
            case "/coco/runs" -> {
                return runs.runs();
            }
            case "/coco/eval" -> {
                return runs.evaluate(required(q, "run"), iouType(q), longs(q, "imgIds"));
            }
            case "/internal/run-data" -> {
                return ClusterSource.runData(local, q);
            }
            default -> {
                // the call as pycocotools names it, over the views or (run=R) over a run's results
            }
        }
        CocoApi api = q.containsKey("run") ? runs.over(required(q, "run")) : this.api;
        return switch (path) {
            case "/coco/getImgIds" -> api.getImgIds(kind, longs(q, "imgIds"), longs(q, "catIds"));
            case "/coco/getAnnIds" -> api.getAnnIds(kind, longs(q, "imgIds"), longs(q, "catIds"),
                    list(q, "areaRng", Double::parseDouble), q.containsKey("iscrowd") ? (int) longParam(q, "iscrowd") : null);
            case "/coco/getCatIds" -> api.getCatIds(kind, list(q, "catNms", s -> s), list(q, "supNms", s -> s),
                    longs(q, "catIds"));
            case "/coco/loadImgs" -> api.loadImgs(kind, longs(q, "ids"));
            case "/coco/loadAnns" -> api.loadAnns(kind, longs(q, "ids"));
            case "/coco/loadCats" -> categories(api.loadCats(kind, longs(q, "ids")));
            case "/internal/images" -> entries(local.images(kind, q.containsKey("ids") ? longs(q, "ids") : null));
            case "/internal/owners" -> local.owners(kind, longs(q, "ids"));
            default -> throw new NoSuchElementException("no endpoint " + path + ": /coco/getImgIds, getAnnIds, getCatIds, "
                    + "loadImgs, loadAnns, loadCats, showAnns, runs, eval");
        };
    }

    private static String required(Map<String, String> q, String name) {
        String v = q.getOrDefault(name, "");
        if (v.isEmpty()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return v;
    }

    private static IouType iouType(Map<String, String> q) {
        String v = q.getOrDefault("iouType", "bbox");
        try {
            return IouType.valueOf(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("iouType: '" + v + "' is not bbox, segm or keypoints");
        }
    }

    /**
     * An image's annotations as SVG ({@link ShowAnns}): {@code kind=panoptic} its segments, else its
     * view's instances, stuff, keypoints and captions; {@code annIds} highlighted.
     */
    private void showAnns(HttpExchange x, String path, Kind kind, Map<String, String> q) throws IOException {
        long imageId = longParam(q, "imgId");
        HostInfo owner = cluster.ownerOfImage(imageId);
        String svg;
        if (path.startsWith("/internal") || cluster.isSelf(owner)) {
            ReadOnlyKeyValueStore<String, Category> cats = local.stores().store(Stores.CATEGORIES);
            BiFunction<Kind, Integer, Category> categories = (k, id) -> cats.get(k.key(id));
            Set<Long> highlighted = new HashSet<>(longs(q, "annIds"));
            if (kind == Kind.PANOPTIC) {
                ReadOnlyKeyValueStore<Long, PanopticView> views = local.stores().store(Stores.PANOPTIC_VIEW);
                PanopticView v = found(views.get(imageId), imageId);
                svg = ShowAnns.svg(v, new ShowAnns.Options(categories, highlighted, photo(v.getImage())));
            } else {
                ReadOnlyKeyValueStore<Long, ImageView> views = local.stores().store(Stores.IMAGE_VIEW);
                ImageView v = found(views.get(imageId), imageId);
                svg = ShowAnns.svg(v, new ShowAnns.Options(categories, highlighted, photo(v.getImage())));
            }
        } else {
            svg = cluster.fetch(owner, "/internal/showAnns?" + x.getRequestURI().getRawQuery());
        }
        x.getResponseHeaders().set("Content-Type", "image/svg+xml");
        byte[] body = svg.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(200, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    private String photo(Image image) {
        return qa != null ? qa.photo(image) : image == null ? null : image.getCocoUrl();
    }

    private static <V> V found(V view, long imageId) {
        if (view == null) {
            throw new NoSuchElementException("no image " + imageId);
        }
        return view;
    }

    /** Readiness ({@code /healthz}: RUNNING, the views answer) and liveness ({@code /livez}: not failed or stopping). */
    private void health(HttpExchange x, boolean ok) throws IOException {
        send(x, ok ? 200 : 503, StoreSource.JSON.createObjectNode().put("state", streams.state().name()).toString());
    }

    private static ArrayNode entries(List<CocoApi.Entry> entries) {
        ArrayNode out = StoreSource.JSON.createArrayNode();
        for (CocoApi.Entry e : entries) {
            ObjectNode n = out.addObject();
            n.put("id", e.id());
            n.set("image", e.image());
            n.putArray("annotations").addAll(e.annotations());
        }
        return out;
    }

    private static List<JsonNode> categories(List<Category> cats) {
        List<JsonNode> out = new ArrayList<>();
        for (Category c : cats) {
            try {
                out.add(StoreSource.tree(g -> CocoJson.category(g, c)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            // a repeated parameter adds to the list: ids=1&ids=2 is ids=1,2
            q.merge(k, v, (a, b) -> a.isEmpty() ? b : b.isEmpty() ? a : a + "," + b);
        }
        return q;
    }

    /** A list parameter: {@code 1,2,3} or {@code [1, 2, 3]}; absent or empty is the empty list. */
    static <T> List<T> list(Map<String, String> q, String name, Function<String, T> parse) {
        String v = q.getOrDefault(name, "").strip();
        if (v.startsWith("[") && v.endsWith("]")) {
            v = v.substring(1, v.length() - 1);
        }
        List<T> out = new ArrayList<>();
        for (String item : v.split(",")) {
            String t = item.strip(); // spaces only: a control character (imgIds=%00) is a bad number, not "no filter"
            if (t.isEmpty()) {
                continue;
            }
            try {
                out.add(parse.apply(t));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": '" + t + "' is not a number");
            }
        }
        return out;
    }

    static List<Long> longs(Map<String, String> q, String name) {
        return list(q, name, Long::parseLong);
    }

    private static long longParam(Map<String, String> q, String name) {
        List<Long> v = longs(q, name);
        if (v.size() != 1) {
            throw new IllegalArgumentException(name + " needs one integer, got '" + q.getOrDefault(name, "") + "'");
        }
        return v.get(0);
    }

    static String error(String message) {
        return StoreSource.JSON.createObjectNode().put("error", message).toString();
    }

    static void send(HttpExchange x, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        if (evaluations != null) {
            evaluations.close();
        }
        if (qa != null) {
            qa.close();
        }
    }
}
