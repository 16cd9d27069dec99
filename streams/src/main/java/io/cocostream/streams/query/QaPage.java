package io.cocostream.streams.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.cocostream.schemas.AvroJson;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.Evaluation;
import io.cocostream.schemas.avro.Image;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The QA page {@code serve} adds beside the COCO API: the page and its assets (all in the jar, no
 * CDN), {@code /alerts} (JSON, filtered), {@code /alerts/stream} (server-sent events: the held
 * alerts after {@code after}, then each new one, as {@code event: alert}; every report version as
 * {@code event: report}, every run's evaluation as {@code event: evaluation}),
 * {@code /batches} (every delivery's latest report), {@code /evaluations} (each run's latest
 * COCOeval stats per IoU type, from {@code coco.evaluations.v1}), and {@code /images/<file_name>} from
 * {@code --images-dir} when given. None of it needs the topology's stores: it answers while they
 * restore.
 */
public final class QaPage implements AutoCloseable {
    /** Most alerts {@code /alerts} answers at once. */
    static final int MAX_LIMIT = AlertFeed.KEPT;
    /** What {@code /alerts} answers without a {@code limit}. */
    static final int DEFAULT_LIMIT = 200;
    /** How many pages may stream at once: each holds a thread. */
    static final int MAX_STREAMS = 32;
    /** A comment line this often keeps proxies from closing an idle stream. */
    static final long HEARTBEAT_MS = 15_000;
    private static final String ASSETS = "/io/cocostream/streams/query/qa/";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js",
            "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "jpg", "image/jpeg", "jpeg", "image/jpeg",
            "png", "image/png", "svg", "image/svg+xml");

    private final AlertFeed feed;
    private final Map<String, Object> clientConfig;
    private final Path imagesDir;
    /** Each stream holds a request thread of the server for as long as its page is open. */
    private final Semaphore streamSlots = new Semaphore(MAX_STREAMS);
    private final Set<Thread> streaming = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private QaPage(AlertFeed feed, Path imagesDir, Map<String, Object> clientConfig) {
        this.feed = feed;
        this.clientConfig = clientConfig;
        this.imagesDir = imagesDir == null ? null : imagesDir.toAbsolutePath().normalize();
    }

    /** The page over the cluster of {@code clientConfig}; photos from {@code imagesDir} (null: their coco_url, if any). */
    public static QaPage start(Map<String, Object> clientConfig, Path imagesDir) {
        return new QaPage(AlertFeed.start(clientConfig), imagesDir, clientConfig);
    }

    /** The feed the page reads (alerts, reports, evaluations). */
    AlertFeed feed() {
        return feed;
    }

    /** The cluster's client settings the page reads with. */
    Map<String, Object> clientConfig() {
        return clientConfig;
    }

    /** Adds the page's paths to a server's routes. */
    void routes(RoutesConfig r) {
        r.get("/", ctx -> asset(ctx, "index.html"));
        r.get("/alerts", ctx -> alerts(ctx, Params.query(ctx)));
        r.get("/batches", this::batches);
        r.get("/evaluations", this::evaluations);
        r.get("/alerts/stream", ctx -> {
            Map<String, String> q = Params.query(ctx);
            stream(ctx, AlertFeed.Filter.of(q), after(ctx, q));
        });
        r.get("/assets/{name}", ctx -> asset(ctx, ctx.pathParam("name")));
        r.get("/images/<file>", ctx -> image(ctx, URLDecoder.decode(ctx.path().substring("/images/".length()),
                StandardCharsets.UTF_8)));
    }

    /** Where the photo of {@code image} is for the page: under {@code /images/} with an images dir, else its coco_url. */
    String photo(Image image) {
        if (image == null) {
            return null;
        }
        if (imagesDir != null) {
            return image.getFileName().isEmpty() ? null
                    : "/images/" + URLEncoder.encode(image.getFileName(), StandardCharsets.UTF_8).replace("+", "%20");
        }
        return image.getCocoUrl();
    }

    private void alerts(Context ctx, Map<String, String> q) {
        AlertFeed.Filter f = AlertFeed.Filter.of(q);
        int limit = DEFAULT_LIMIT;
        if (q.containsKey("limit")) {
            try {
                limit = Integer.parseInt(q.get("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit: '" + q.get("limit") + "' is not between 1 and " + MAX_LIMIT);
            }
        }
        StringBuilder body = new StringBuilder("[");
        for (AlertFeed.Entry e : feed.alerts(f, limit)) {
            body.append(body.length() == 1 ? "" : ",").append(e.json());
        }
        ctx.contentType("application/json").result(body.append(']').toString());
    }

    private void evaluations(Context ctx) {
        ArrayNode out = StoreSource.JSON.createArrayNode();
        for (Evaluation e : feed.evaluations()) {
            out.add(AvroJson.of(e));
        }
        Answers.json(ctx, 200, out);
    }

    private void batches(Context ctx) {
        ArrayNode out = StoreSource.JSON.createArrayNode();
        for (BatchReport r : feed.reports()) {
            out.add(AvroJson.of(r));
        }
        Answers.json(ctx, 200, out);
    }

    /**
     * Server-sent events on the request's thread, at most {@link #MAX_STREAMS} at once: the matching
     * alerts after {@code after} (or the {@code Last-Event-ID} a reconnecting page sends) that the feed
     * holds, then each new one; every report and every run's evaluation, then each new version; after
     * a heartbeat's silence, a comment. It ends when the page goes away or the page is closed.
     */
    private void stream(Context ctx, AlertFeed.Filter f, long after) {
        if (closed || !streamSlots.tryAcquire()) {
            ctx.header("Retry-After", "5");
            Answers.json(ctx, 503, Answers.error(MAX_STREAMS + " pages are streaming already: retry"));
            return;
        }
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>(10_000);
        AlertFeed.Listener listener = new AlertFeed.Listener() {
            @Override
            public void alert(AlertFeed.Entry e) {
                if (f.matches(e.alert())) {
                    queue.offer(e);
                }
            }

            @Override
            public void report(BatchReport r, String json) {
                queue.offer("event: report\ndata: " + json + "\n\n");
            }

            @Override
            public void evaluation(Evaluation e, String json) {
                queue.offer("event: evaluation\ndata: " + json + "\n\n");
            }
        };
        streaming.add(Thread.currentThread());
        feed.listen(listener); // before the backlog is read: nothing falls between the two
        ctx.status(200).contentType("text/event-stream; charset=utf-8").header("Cache-Control", "no-cache");
        try (OutputStream out = Answers.body(ctx)) {
            write(out, "retry: 2000\n\n");
            long last = after;
            for (AlertFeed.Entry e : feed.alerts(f, MAX_LIMIT)) {
                last = send(out, e, last);
            }
            for (BatchReport r : feed.reports()) {
                write(out, "event: report\ndata: " + AvroJson.of(r) + "\n\n");
            }
            for (Evaluation e : feed.evaluations()) {
                write(out, "event: evaluation\ndata: " + AvroJson.of(e) + "\n\n");
            }
            while (!closed && !Thread.currentThread().isInterrupted()) {
                Object next = queue.poll(HEARTBEAT_MS, TimeUnit.MILLISECONDS);
                if (next instanceof AlertFeed.Entry e) {
                    last = send(out, e, last);
                } else {
                    write(out, next == null ? ": heartbeat\n\n" : (String) next);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the page went away, or serve stops
        } finally {
            feed.unlisten(listener);
            streaming.remove(Thread.currentThread());
            Thread.interrupted(); // the request thread goes back to the server's pool uninterrupted
            streamSlots.release();
        }
    }

    /** Sends {@code e} unless it is not after {@code last}; the last sent. */
    private static long send(OutputStream out, AlertFeed.Entry e, long last) throws IOException {
        if (e.seq() <= last) {
            return last;
        }
        write(out, "id: " + e.seq() + "\nevent: alert\ndata: " + e.json() + "\n\n");
        return e.seq();
    }

    private static void write(OutputStream out, String event) throws IOException {
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Where a stream starts: after the alert {@code after} names, or a reconnecting page's Last-Event-ID. */
    private static long after(Context ctx, Map<String, String> q) {
        String v = q.getOrDefault("after", ctx.header("Last-Event-ID"));
        try {
            return v == null || v.isBlank() ? 0 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("after: '" + v + "' is not an alert's seq");
        }
    }

    private void asset(Context ctx, String name) throws IOException {
        if (!name.matches("[a-z0-9-]+\\.(html|js|css)")) {
            throw new NoSuchElementException("no asset " + name);
        }
        try (InputStream in = QaPage.class.getResourceAsStream(ASSETS + name)) {
            if (in == null) {
                throw new NoSuchElementException("no asset " + name);
            }
            ctx.contentType(type(name)).result(in.readAllBytes());
        }
    }

    /** A local photo by its file_name; nothing outside the images dir. */
    private void image(Context ctx, String fileName) throws IOException {
        Path file = imagesDir == null ? null : imagesDir.resolve(fileName).normalize();
        if (file == null || !file.startsWith(imagesDir) || !Files.isRegularFile(file)) {
            throw new NoSuchElementException(imagesDir == null ? "no --images-dir: no local photos"
                    : "no image " + fileName + " in the images dir");
        }
        ctx.contentType(type(fileName)).result(Files.newInputStream(file));
    }

    private static String type(String name) {
        return TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT),
                "application/octet-stream");
    }

    @Override
    public void close() {
        closed = true;
        streaming.forEach(Thread::interrupt);
        feed.close();
    }
}
