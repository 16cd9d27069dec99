package io.cocostream.streams.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import io.cocostream.schemas.AvroJson;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.Evaluation;
import io.cocostream.schemas.avro.Image;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
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
    private final ExecutorService streams = new ThreadPoolExecutor(0, MAX_STREAMS, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "cocostream-qa-stream");
                t.setDaemon(true);
                return t;
            });

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

    /** Whether {@code path} is the page's. */
    static boolean handles(String path) {
        return path.equals("/") || path.equals("/alerts") || path.equals("/alerts/stream") || path.equals("/batches") || path.equals("/evaluations")
                || path.startsWith("/assets/") || path.startsWith("/images/");
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

    /**
     * Answers one of the page's paths; returns false when it keeps the exchange open (a stream),
     * which it then closes itself.
     */
    boolean handle(HttpExchange x, String path, Map<String, String> q) throws IOException {
        switch (path) {
            case "/" -> asset(x, "index.html");
            case "/alerts" -> alerts(x, q);
            case "/batches" -> batches(x);
            case "/evaluations" -> evaluations(x);
            case "/alerts/stream" -> {
                return stream(x, AlertFeed.Filter.of(q), after(x, q));
            }
            default -> {
                if (path.startsWith("/assets/")) {
                    asset(x, path.substring("/assets/".length()));
                } else {
                    image(x, URLDecoder.decode(path.substring("/images/".length()), StandardCharsets.UTF_8));
                }
            }
        }
        return true;
    }

    private void alerts(HttpExchange x, Map<String, String> q) throws IOException {
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
        CocoApiServer.send(x, 200, body.append(']').toString());
    }

    private void evaluations(HttpExchange x) throws IOException {
        ArrayNode out = StoreSource.JSON.createArrayNode();
        for (Evaluation e : feed.evaluations()) {
            out.add(AvroJson.of(e));
        }
        CocoApiServer.send(x, 200, out.toString());
    }

    private void batches(HttpExchange x) throws IOException {
        ArrayNode out = StoreSource.JSON.createArrayNode();
        for (BatchReport r : feed.reports()) {
            out.add(AvroJson.of(r));
        }
        CocoApiServer.send(x, 200, out.toString());
    }

    /**
     * Server-sent events on a thread of their own: the matching alerts after {@code after} (or the
     * {@code Last-Event-ID} a reconnecting page sends) that the feed holds, then each new one; every
     * report and every run's evaluation, then each new version; after a heartbeat's silence, a comment.
     */
    private boolean stream(HttpExchange x, AlertFeed.Filter f, long after) throws IOException {
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
        try {
            streams.execute(() -> {
                feed.listen(listener); // before the backlog is read: nothing falls between the two
                try (x; OutputStream out = x.getResponseBody()) {
                    x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                    x.getResponseHeaders().set("Cache-Control", "no-cache");
                    x.sendResponseHeaders(200, 0);
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
                    while (!Thread.currentThread().isInterrupted()) {
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
                }
            });
            return false;
        } catch (RejectedExecutionException e) {
            x.getResponseHeaders().set("Retry-After", "5");
            CocoApiServer.send(x, 503, CocoApiServer.error(MAX_STREAMS + " pages are streaming already: retry"));
            return true;
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
    private static long after(HttpExchange x, Map<String, String> q) {
        String v = q.getOrDefault("after", x.getRequestHeaders().getFirst("Last-Event-ID"));
        try {
            return v == null || v.isBlank() ? 0 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("after: '" + v + "' is not an alert's seq");
        }
    }

    private void asset(HttpExchange x, String name) throws IOException {
        if (!name.matches("[a-z0-9-]+\\.(html|js|css)")) {
            throw new NoSuchElementException("no asset " + name);
        }
        try (InputStream in = QaPage.class.getResourceAsStream(ASSETS + name)) {
            if (in == null) {
                throw new NoSuchElementException("no asset " + name);
            }
            bytes(x, type(name), in.readAllBytes());
        }
    }

    /** A local photo by its file_name; nothing outside the images dir. */
    private void image(HttpExchange x, String fileName) throws IOException {
        Path file = imagesDir == null ? null : imagesDir.resolve(fileName).normalize();
        if (file == null || !file.startsWith(imagesDir) || !Files.isRegularFile(file)) {
            throw new NoSuchElementException(imagesDir == null ? "no --images-dir: no local photos"
                    : "no image " + fileName + " in the images dir");
        }
        bytes(x, type(fileName), Files.readAllBytes(file));
    }

    private static String type(String name) {
        return TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT),
                "application/octet-stream");
    }

    private static void bytes(HttpExchange x, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(200, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        streams.shutdownNow();
        feed.close();
    }
}
