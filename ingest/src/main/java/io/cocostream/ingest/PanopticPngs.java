package io.cocostream.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.cocostream.mask.Masks;
import io.cocostream.mask.PanopticPng;
import io.cocostream.mask.Rle;
import io.cocostream.schemas.avro.PanopticEvent;
import io.cocostream.schemas.avro.PanopticSegment;
import io.cocostream.schemas.avro.Provenance;
import io.cocostream.schemas.avro.RleMask;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A panoptic delivery's elements with their PNGs: each element's segments get their masks from
 * the PNG it names (one pass over the pixels), and the PNG's segments that segments_info does not
 * list are kept as {@code png_only_ids} for validation to name. Every PNG named is hashed as it is
 * read (name and bytes, or its absence), so that a delivery's batch id covers its PNGs too.
 */
final class PanopticPngs {
    /** Largest PNG accepted beyond its image's declared size: none. */
    private static final long SLACK_PIXELS = 0;

    private final Path dir;
    private final MessageDigest digest = Digests.sha256();

    /** PNGs from {@code dir}. */
    PanopticPngs(Path dir) {
        this.dir = dir;
    }

    /** The hash of every PNG named so far, in file order; null when none was. */
    byte[] digest() {
        return named ? digest.digest() : null;
    }

    private boolean named;

    /** One element of image {@code imageId} ({@code h}×{@code w}) as a PanopticEvent, without its image yet. */
    PanopticEvent event(JsonNode e, Location at, long imageId, int h, int w, Provenance provenance) {
        String fileName = Json.require(e, "file_name", at).asText();
        Path png = dir.resolve(fileName);
        named = true;
        digest.update(fileName.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        Map<Integer, Rle> masks;
        try (InputStream in = new DigestInputStream(Files.newInputStream(png), digest)) {
            PanopticPng.IdImage img;
            try {
                img = PanopticPng.read(in, (long) h * w + SLACK_PIXELS);
            } finally {
                in.transferTo(OutputStream.nullOutputStream()); // the whole file is hashed, read or refused
            }
            if (img.h() != h || img.w() != w) {
                throw new CocoFormatException(Json.at(at, "file_name"), "PNG " + png + " is " + img.w() + "x" + img.h()
                        + ", its image is " + w + "x" + h);
            }
            masks = new TreeMap<>(PanopticPng.segments(img));
        } catch (IOException | IllegalArgumentException ex) {
            throw new CocoFormatException(Json.at(at, "file_name"), "cannot read PNG " + png + ": " + ex.getMessage());
        }
        List<PanopticSegment> segments = new ArrayList<>();
        JsonNode infos = Json.require(e, "segments_info", at);
        int i = 0;
        for (JsonNode s : infos) {
            Location sat = Json.at(at, "segments_info[" + i++ + "]");
            long id = Json.requireLong(s, "id", sat);
            Rle rle = masks.remove((int) id);
            segments.add(PanopticSegment.newBuilder().setId(id).setCategoryId(Json.requireInt(s, "category_id", sat))
                    .setIscrowd(Json.optionalInt(s, "iscrowd", 0, sat))
                    .setArea(s.has("area") ? Converters.finite(s.get("area"), Json.at(sat, "area")) : 0.0)
                    .setBbox(Converters.bbox(s, sat, false))
                    .setMask(rle == null ? null : RleMask.newBuilder().setHeight(rle.h()).setWidth(rle.w())
                            .setCounts(Masks.toString(rle)).build())
                    .build());
        }
        return PanopticEvent.newBuilder().setImageId(imageId).setFileName(fileName).setAnnotations(segments)
                .setPngOnlyIds(new ArrayList<>(masks.keySet().stream().map(Integer::longValue).toList()))
                .setProvenance(provenance).build();
    }
}
