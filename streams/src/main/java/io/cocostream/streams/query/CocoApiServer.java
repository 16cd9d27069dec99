package io.cocostream.streams.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.metrics.Prometheus;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.PanopticView;
import io.cocostream.streams.Stores;
import io.cocostream.streams.coco.CocoJson;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * {@code cocostream serve}: the COCO API over HTTP from the running topology's state stores, on
 * Javalin (Jetty). {@code /coco/<function>} with pycocotools' names and parameters (lists as
 * {@code 1,2,3}; an optional {@code kind}, default instances); with {@code run=R} every one of them
 * answers over that run's results as the COCO object loadRes makes on the kind's ground truth
 * ({@link RunApi}). {@code /coco/runs} lists the runs, {@code /coco/eval?run=R&iouType=bbox|segm|keypoints}
 * is COCOeval over what the views hold now (every ground-truth image, or those of {@code imgIds}).
 * {@code /internal/} is what instances ask each other. 400 for a bad parameter, 404 for an id that
 * does not exist, 414 for a query too long, and 503 with {@code Retry-After} whenever the topology
 * is not RUNNING (starting, restoring its stores, rebalancing): a store that is not fully restored
 * would answer an empty list or a not-found where the data exists. {@code /healthz} (ready: the
 * topology is RUNNING) and {@code /livez} (alive) are for probes; {@code /metrics}, given a
 * {@link Prometheus}, for scrapers. With a {@link QaPage}, its paths ({@code /}, {@code /alerts},
 * ...) are served too, stores or not. Who may ask is {@link ApiSecurity}'s. Answers are written as
 * they are made, an image view at a time for {@code /internal/images}, never held whole as text.
 */
public final class CocoApiServer implements AutoCloseable {
    /** Jetty's bound on a request's head: past it Jetty itself answers 414 (or 431 for headers). */
    static final int MAX_HEAD = Params.MAX_QUERY + (16 << 10);

    private final Javalin app;
    private final StoreSource local;
    private final ClusterSource cluster;
    private final CocoApi api;
    private final RunApi runs;
    private final KafkaStreams streams;
    private final HostInfo self;
    private final QaPage qa;
    private final EvaluationPublisher evaluations;
    private final Prometheus metrics;

    private CocoApiServer(KafkaStreams streams, HostInfo self, QaPage qa, Prometheus metrics, ApiSecurity security,
            String bindHost, int port) {
        this.metrics = metrics;
        this.local = new StoreSource(new StoreSource.Queryable() {
            @Override
            public <K, V> ReadOnlyKeyValueStore<K, V> store(String name) {
                return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, V>keyValueStore()));
            }
        });
        this.cluster = new ClusterSource(streams, self, local, security);
        this.api = new CocoApi(cluster);
        this.runs = new RunApi(cluster, cluster);
        this.streams = streams;
        this.self = self;
        this.qa = qa;
        this.app = Javalin.create(c -> configure(c, security, bindHost, port));
        this.evaluations = qa == null ? null : EvaluationPublisher.start(qa.feed(), runs, streams, self, qa.clientConfig());
    }

    /**
     * Serves on {@code bindHost:port} (port 0: any free one), plain HTTP, no auth, {@code /internal/}
     * for any instance started so (tests, the demo).
     *
     * @param self this instance as the others reach it: its {@code application.server}
     */
    public static CocoApiServer start(KafkaStreams streams, HostInfo self, String bindHost, int port) {
        return start(streams, self, bindHost, port, null);
    }

    /**
     * Serves as {@link #start(KafkaStreams, HostInfo, String, int)} does, and {@code qa}'s page (closed
     * with the server); with a page, each validated results batch's run is evaluated to
     * {@code coco.evaluations.v1} ({@link EvaluationPublisher}).
     */
    public static CocoApiServer start(KafkaStreams streams, HostInfo self, String bindHost, int port, QaPage qa) {
        return start(streams, self, bindHost, port, qa, null, ApiSecurity.open("", Map.of()));
    }

    /**
     * Serves as {@link #start(KafkaStreams, HostInfo, String, int, QaPage)} does, {@code /metrics} from
     * {@code metrics} (null: none), to whom {@code security} allows.
     */
    public static CocoApiServer start(KafkaStreams streams, HostInfo self, String bindHost, int port, QaPage qa,
            Prometheus metrics, ApiSecurity security) {
        CocoApiServer s = new CocoApiServer(streams, self, qa, metrics, security, bindHost, port);
        s.app.start();
        return s;
    }

    private void configure(JavalinConfig c, ApiSecurity security, String bindHost, int port) {
        c.startup.showJavalinBanner = false;
        c.http.prefer405over404 = true;
        c.http.compressionStrategy = CompressionStrategy.NONE; // an event stream must not wait in a compressor
        c.jetty.modifyHttpConfiguration(h -> {
            h.setRequestHeaderSize(MAX_HEAD);
            h.setSendServerVersion(false);
        });
        c.jetty.addConnector((server, http) -> {
            ServerConnector connector;
            if (security.tls()) {
                SslContextFactory.Server tls = new SslContextFactory.Server();
                tls.setSslContext(security.serverContext());
                HttpConfiguration https = new HttpConfiguration(http);
                https.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
                connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                        new HttpConnectionFactory(https));
            } else {
                connector = new ServerConnector(server, new HttpConnectionFactory(http));
            }
            connector.setHost(bindHost);
            connector.setPort(port);
            return connector;
        });
        c.routes.before(security::check);
        c.routes.get("/healthz", ctx -> health(ctx, streams.state() == KafkaStreams.State.RUNNING));
        c.routes.get("/livez", ctx -> health(ctx, streams.state().isRunningOrRebalancing()
                || streams.state() == KafkaStreams.State.CREATED));
        if (metrics != null) {
            c.routes.get("/metrics", ctx -> ctx.contentType(Prometheus.CONTENT_TYPE).result(metrics.scrape()));
        }
        if (qa != null) {
            qa.routes(c.routes);
        }
        c.routes.get("/coco/showAnns", ctx -> answer(ctx, this::showAnns));
        c.routes.get("/internal/showAnns", ctx -> answer(ctx, this::showAnns));
        c.routes.get("/internal/images", ctx -> answer(ctx, this::images));
        Handler call = ctx -> answer(ctx, x -> {
            Map<String, String> q = Params.query(x);
            Answers.json(x, 200, result(x.path(), kind(q), q));
        });
        c.routes.get("/coco/{function}", call);
        c.routes.get("/internal/{function}", call);
        c.routes.exception(IllegalArgumentException.class, (e, ctx) -> Answers.json(ctx, 400, Answers.error(e.getMessage())));
        c.routes.exception(NoSuchElementException.class, (e, ctx) -> Answers.json(ctx, 404, Answers.error(e.getMessage())));
        c.routes.exception(InvalidStateStoreException.class, (e, ctx) -> unavailable(ctx, e));
        c.routes.exception(ClusterSource.Unavailable.class, (e, ctx) -> unavailable(ctx, e));
        // Javalin's own answers (no such endpoint, not a GET, 401, 403, 414) in the API's JSON
        c.routes.exception(HttpResponseException.class, (e, ctx) -> Answers.json(ctx, e.getStatus(), Answers.error(e.getMessage())));
    }

    /** The port served on. */
    public int port() {
        return app.port();
    }

    /** A handler that may fail writing its answer. */
    private interface Answer {
        void write(Context ctx) throws IOException;
    }

    /** The call's kind of ground truth, instances unless it says. */
    private static Kind kind(Map<String, String> q) {
        return Kind.parse(q.getOrDefault("kind", Kind.INSTANCES.id()));
    }

    private void unavailable(Context ctx, RuntimeException e) {
        ctx.header("Retry-After", "1");
        Answers.json(ctx, 503, Answers.error("views not queryable right now (" + e.getMessage() + "): retry"));
    }

    /** A call that reads the stores: only while the topology is RUNNING, every local store restored. */
    private void answer(Context ctx, Answer answer) throws IOException {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            throw new ClusterSource.Unavailable("the topology is " + state + ", its stores not all restored");
        }
        requireRestored();
        answer.write(ctx);
    }

    /** This instance's image views, written as each is read from its store. */
    private void images(Context ctx) throws IOException {
        Map<String, String> q = Params.query(ctx);
        Kind kind = kind(q);
        StoreSource.storeOf(kind); // an unknown kind is a 400 before the answer's first byte commits a 200
        List<Long> ids = q.containsKey("ids") ? Params.longs(q, "ids") : null;
        ctx.status(200).contentType(Answers.JSON_TYPE);
        try (JsonGenerator g = StoreSource.JSON.createGenerator(Answers.body(ctx))) {
            g.writeStartArray();
            local.eachImage(kind, ids, e -> {
                g.writeStartObject();
                g.writeNumberField("id", e.id());
                g.writeFieldName("image");
                g.writeTree(e.image());
                g.writeArrayFieldStart("annotations");
                for (JsonNode a : e.annotations()) {
                    g.writeTree(a);
                }
                g.writeEndArray();
                g.writeEndObject();
            });
            g.writeEndArray();
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
            Stores.RESULTS_VIEW, Stores.RUN_EVALUATIONS, Stores.GROUND_TRUTH_COUNTS, Stores.RUNS, Stores.BATCH_REPORTS,
            Stores.BATCH_EXAMPLES);

    private Object result(String path, Kind kind, Map<String, String> q) {
        StoreSource.storeOf(kind); // refuses an unknown kind (400) before any store is touched
        switch (path) {
            case "/coco/runs" -> {
                return runs.runs();
            }
            case "/coco/eval" -> {
                return runs.evaluate(Params.required(q, "run"), Params.iouType(q), Params.longs(q, "imgIds"));
            }
            case "/internal/run-data" -> {
                return ClusterSource.runData(local, q);
            }
            default -> {
                // the call as pycocotools names it, over the views or (run=R) over a run's results
            }
        }
        CocoApi api = q.containsKey("run") ? runs.over(Params.required(q, "run")) : this.api;
        return switch (path) {
            case "/coco/getImgIds" -> api.getImgIds(kind, Params.longs(q, "imgIds"), Params.longs(q, "catIds"));
            case "/coco/getAnnIds" -> api.getAnnIds(kind, Params.longs(q, "imgIds"), Params.longs(q, "catIds"),
                    Params.list(q, "areaRng", Double::parseDouble), q.containsKey("iscrowd") ? (int) Params.longParam(q, "iscrowd") : null);
            case "/coco/getCatIds" -> api.getCatIds(kind, Params.list(q, "catNms", s -> s), Params.list(q, "supNms", s -> s),
                    Params.longs(q, "catIds"));
            case "/coco/loadImgs" -> api.loadImgs(kind, Params.longs(q, "ids"));
            case "/coco/loadAnns" -> api.loadAnns(kind, Params.longs(q, "ids"));
            case "/coco/loadCats" -> categories(api.loadCats(kind, Params.longs(q, "ids")));
            case "/internal/owners" -> local.owners(kind, Params.longs(q, "ids"));
            default -> throw new NoSuchElementException("no endpoint " + path + ": /coco/getImgIds, getAnnIds, getCatIds, "
                    + "loadImgs, loadAnns, loadCats, showAnns, runs, eval");
        };
    }

    /**
     * An image's annotations as SVG ({@link ShowAnns}): {@code kind=panoptic} its segments, else its
     * view's instances, stuff, keypoints and captions; {@code annIds} highlighted.
     */
    private void showAnns(Context ctx) throws IOException {
        Map<String, String> q = Params.query(ctx);
        Kind kind = kind(q);
        long imageId = Params.longParam(q, "imgId");
        HostInfo owner = cluster.ownerOfImage(imageId);
        String svg;
        if (ctx.path().startsWith("/internal") || cluster.isSelf(owner)) {
            ReadOnlyKeyValueStore<String, Category> cats = local.stores().store(Stores.CATEGORIES);
            BiFunction<Kind, Integer, Category> categories = (k, id) -> cats.get(k.key(id));
            Set<Long> highlighted = new HashSet<>(Params.longs(q, "annIds"));
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
            svg = cluster.fetch(owner, "/internal/showAnns?" + ctx.queryString());
        }
        ctx.contentType("image/svg+xml").result(svg);
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
    private void health(Context ctx, boolean ok) {
        Answers.json(ctx, ok ? 200 : 503, StoreSource.JSON.createObjectNode().put("state", streams.state().name()));
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

    @Override
    public void close() {
        if (qa != null) {
            qa.close(); // ends the event streams first: the server's stop waits for its requests
        }
        app.stop();
        if (evaluations != null) {
            evaluations.close();
        }
    }
}
