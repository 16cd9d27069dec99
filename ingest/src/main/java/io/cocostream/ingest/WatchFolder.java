package io.cocostream.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cocostream.mask.PanopticPng;
import io.cocostream.schemas.AvroJson;
import io.cocostream.schemas.avro.BatchReport;
import io.cocostream.schemas.avro.BatchStatus;
import io.cocostream.schemas.avro.ReportStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ingest --watch DIR}: ingests COCO files as vendors drop them. A file is taken only when
 * complete: renamed into the folder from a temporary name, or unchanged in size and modification
 * time for a settle period, and in both cases parsing to its end (a copy that pauses longer than
 * the settle time is still incomplete JSON, and waits). Only {@code *.json} names are candidates,
 * so {@code .part}, {@code .tmp}, {@code .partial}, {@code .crdownload} and hidden names wait for
 * their rename. A settled file that does not parse and stays unchanged for {@link #GIVE_UP_SETTLES}
 * settle periods is taken all the same, and fails with where it broke. Each ingested file moves to
 * {@code DIR/done/} or {@code DIR/failed/} (with its panoptic PNG folder) and gets a report
 * {@code <name>.report.json} beside it; with a source of validation reports, the report is written
 * again with its delivery's {@code validation} once that is VALIDATED or FAILED (not after a
 * restart of the watch: the report topic has it). Restarts are safe: moved files are not seen again, and a
 * file ingested but not yet moved is recognised by its batch manifest and not published twice.
 */
public final class WatchFolder {
    private static final Logger LOG = LoggerFactory.getLogger(WatchFolder.class);

    /** Ingests one file; returns its result (exceptions mark the file failed). */
    @FunctionalInterface
    public interface FileIngest {
        Ingest.Result ingest(Path file) throws IOException;
    }

    /** Deliveries' validation reports as a streams app writes them: the latest of each batch asked for. */
    @FunctionalInterface
    public interface Reports {
        Map<String, BatchReport> latest(Set<String> batchIds);
    }

    private final Path dir;
    private final long settleMillis;
    private final FileIngest ingest;
    private final Reports reports;
    /** Batch id to the report written for its file, while its validation is still to come. */
    private final Map<String, Written> awaiting = new HashMap<>();

    private record Written(Path path, ObjectNode report) {}
    /** Per candidate: size, modification time, when first seen so, and 1 once it was found not to parse. */
    private final Map<Path, long[]> seen = new HashMap<>();
    /** Temporary names seen at the last poll: a candidate that replaces one was renamed into place. */
    private Set<String> staging = Set.of();
    /** Settle periods a file that does not parse waits, unchanged, before it is taken and fails. */
    static final int GIVE_UP_SETTLES = 10;
    private static final List<String> TEMPORARY = List.of(".part", ".tmp", ".partial", ".crdownload");

    public WatchFolder(Path dir, long settleMillis, FileIngest ingest) throws IOException {
        this(dir, settleMillis, ingest, ids -> Map.of());
    }

    /** A watch whose reports get their validation from {@code reports}. */
    public WatchFolder(Path dir, long settleMillis, FileIngest ingest, Reports reports) throws IOException {
        this.dir = dir;
        this.settleMillis = settleMillis;
        this.ingest = ingest;
        this.reports = reports;
        Files.createDirectories(dir.resolve("done"));
        Files.createDirectories(dir.resolve("failed"));
    }

    /** Polls every {@code pollMillis} until {@code stop} says so. */
    public void run(long pollMillis, BooleanSupplier stop) throws InterruptedException {
        while (!stop.getAsBoolean()) {
            pollOnce();
            Thread.sleep(pollMillis);
        }
    }

    /** One look at the folder: ingests every file that is complete; returns how many it took. */
    public int pollOnce() {
        validated();
        int taken = 0;
        long now = System.currentTimeMillis();
        Set<String> stagedBefore = staging;
        staging = temporaryNames();
        for (Path f : candidates()) {
            try {
                long size = Files.size(f);
                long mtime = Files.getLastModifiedTime(f).toMillis();
                long[] prev = seen.get(f);
                boolean renamed = prev == null && wasStaged(f, stagedBefore);
                if (!renamed && (prev == null || prev[0] != size || prev[1] != mtime)) {
                    seen.put(f, new long[] {size, mtime, now, 0});
                    continue;
                }
                long stableFor = renamed ? 0 : Math.min(now - prev[2], now - mtime);
                if (!renamed && stableFor < settleMillis) {
                    continue;
                }
                // A file found unparseable is scanned again only once it changes (then it is a new entry).
                boolean unparseable = prev != null && prev[3] == 1 || !CocoJsonReader.parsesToEnd(f);
                if (unparseable && stableFor < GIVE_UP_SETTLES * Math.max(settleMillis, 100)) {
                    // Still being copied (or broken): looked at again at the next polls, not failed.
                    seen.computeIfAbsent(f, k -> new long[] {size, mtime, now, 0})[3] = 1;
                    continue;
                }
                seen.remove(f);
                take(f);
                taken++;
            } catch (BrokerWait.Unavailable e) {
                // Not the file's fault: it stays, and the next polls take it again (resuming the batch).
                LOG.warn("{} stays in {} for now: {}", f.getFileName(), dir, e.getMessage());
                return taken;
            } catch (IOException e) {
                LOG.warn("cannot look at {}: {}", f, e.toString());
            }
        }
        return taken;
    }

    /** Whether a temporary name of {@code f} ({@code f.part}, ...) was in the folder at the last poll. */
    private static boolean wasStaged(Path f, Set<String> staged) {
        String name = f.getFileName().toString();
        return TEMPORARY.stream().anyMatch(t -> staged.contains(name + t) || staged.contains("." + name + t)
                || staged.contains("." + name));
    }

    private Set<String> temporaryNames() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".") || TEMPORARY.stream().anyMatch(n::endsWith))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            return Set.of();
        }
    }

    private List<Path> candidates() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(".json") && !n.startsWith(".") && !n.endsWith(".report.json");
                    })
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private void take(Path f) throws IOException {
        ObjectNode report = CocoJsonReader.JSON.createObjectNode().put("file", f.getFileName().toString());
        boolean ok;
        try {
            Ingest.Result r = ingest.ingest(f);
            ok = r.deadLetters() == 0 && r.status() != BatchStatus.FAILED;
            report.put("batch_id", r.batchId()).put("kind", r.kind().id()).put("status", r.status().name())
                    .put("images", r.images()).put("annotations", r.annotations()).put("categories", r.categories())
                    .put("dead_letters", r.deadLetters()).put("already_ingested", r.alreadyIngested())
                    .put("first_error", r.firstError());
        } catch (BrokerWait.Unavailable | AuthenticationException | AuthorizationException e) {
            throw e; // not the file's fault: it stays (a refusal ends the watch, for its operator to see)
        } catch (RuntimeException | IOException e) {
            ok = false;
            report.put("status", "ERROR").put("error", String.valueOf(e.getMessage()));
            LOG.warn("ingest of {} failed: {}", f, e.getMessage());
        }
        Path target = dir.resolve(ok ? "done" : "failed");
        String name = f.getFileName().toString();
        Files.move(f, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        Path pngs = PanopticPng.folderOf(f);
        if (Files.isDirectory(pngs)) {
            Files.move(pngs, target.resolve(pngs.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Path written = target.resolve(name.substring(0, name.length() - ".json".length()) + ".report.json");
        Files.writeString(written, report.toPrettyString() + "\n", StandardCharsets.UTF_8);
        if (report.hasNonNull("batch_id")) {
            awaiting.put(report.get("batch_id").asText(), new Written(written, report));
        }
        LOG.info("{} -> {}", name, target);
    }

    /** Writes the reports whose delivery's validation has ended again, with it. */
    private void validated() {
        if (awaiting.isEmpty()) {
            return;
        }
        for (Map.Entry<String, BatchReport> e : reports.latest(Set.copyOf(awaiting.keySet())).entrySet()) {
            BatchReport r = e.getValue();
            Written w = awaiting.get(e.getKey());
            if (w == null || r.getStatus() != ReportStatus.VALIDATED && r.getStatus() != ReportStatus.FAILED) {
                continue;
            }
            w.report().set("validation", AvroJson.of(r));
            try {
                Files.writeString(w.path(), w.report().toPrettyString() + "\n", StandardCharsets.UTF_8);
                awaiting.remove(e.getKey());
                LOG.info("{}: validation {}", w.path().getFileName(), r.getStatus());
            } catch (IOException ex) {
                LOG.warn("cannot write {}: {}", w.path(), ex.toString());
            }
        }
    }
}
