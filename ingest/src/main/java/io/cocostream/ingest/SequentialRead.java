package io.cocostream.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;

/**
 * Pass 1 with Jackson's token scan, one element as a tree at a time: the kinds without a fast
 * reader, and the files the parallel split does not take (a bare results array, a key given twice,
 * malformed JSON), whose problems it names where they are.
 */
final class SequentialRead {
    private static final Set<String> SECTIONS = Set.of("images", "annotations", "categories", CocoJsonReader.RESULTS);

    private SequentialRead() {}

    /** Reads {@code file} into {@code in}, every byte into {@code sha}; returns the top-level keys. */
    static List<String> read(Path file, Intake in, MessageDigest sha, Ingest.Progress progress) throws IOException {
        CocoJsonReader reader = new CocoJsonReader(file);
        long total = Files.size(file);
        boolean[] imagesSeen = {in.imagesPreloaded()};
        CocoJsonReader.ElementHandler handler = new CocoJsonReader.ElementHandler() {
            @Override
            public void begin(String section) {
                if (section.equals("images")) {
                    imagesSeen[0] = true;
                } else if (section.equals("annotations") && !imagesSeen[0]) {
                    throw new Intake.ImagesFirst();
                }
            }

            @Override
            public boolean wants(String section, long index) {
                return !(in.imagesPreloaded() && section.equals("images"));
            }

            @Override
            public void element(String section, long index, JsonNode e, Location at) {
                in.element(section, index, e, at);
                if ((index & 1023) == 0) {
                    progress.reading(reader.bytesRead(), total, in.annotations());
                }
            }
        };
        List<String> keys = List.of();
        try {
            keys = reader.scan(SECTIONS, handler, sha);
        } catch (CocoFormatException e) {
            // Malformed or truncated JSON: keep what was read, dead-letter the rest with where it broke.
            in.truncated(e);
        }
        progress.reading(total, total, in.annotations());
        return keys;
    }
}
