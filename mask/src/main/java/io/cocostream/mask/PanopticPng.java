package io.cocostream.mask;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Panoptic PNGs (segment id = R + 256·G + 256²·B, 0 = void) to one RLE per segment, built in a
 * single column-major pass over the id image without a mask per segment.
 */
public final class PanopticPng {
    private PanopticPng() {}

    /** A decoded id image: {@code ids[y * w + x]}. */
    public record IdImage(int h, int w, int[] ids) {}

    /** panopticapi's layout: {@code x.json} beside its folder of PNGs {@code x/}. */
    public static Path folderOf(Path json) {
        String name = json.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return json.resolveSibling(dot > 0 ? name.substring(0, dot) : name);
    }

    /**
     * Reads a PNG's segment ids, refusing images whose header announces more than {@code maxPixels}
     * pixels before any pixel is decoded.
     */
    public static IdImage read(InputStream png, long maxPixels) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(png)) {
            if (in == null) {
                throw new IOException("cannot open the PNG stream");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("not a readable image (no PNG signature)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                long pixels = (long) w * h;
                if (pixels > maxPixels) {
                    throw new IOException("PNG is " + w + "x" + h + " (" + pixels
                            + " pixels), more than the " + maxPixels + " allowed");
                }
                BufferedImage img = reader.read(0);
                int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
                for (int i = 0; i < rgb.length; i++) {
                    int p = rgb[i];
                    rgb[i] = ((p >> 16) & 0xff) + 256 * ((p >> 8) & 0xff) + 65536 * (p & 0xff);
                }
                return new IdImage(h, w, rgb);
            } finally {
                reader.dispose();
            }
        }
    }

    /** One RLE per non-void segment id, ordered by id. */
    public static Map<Integer, Rle> segments(IdImage img) {
        int h = img.h();
        int w = img.w();
        Rle.checkSize(h, w);
        int[] ids = img.ids();
        if (ids.length != h * w) {
            throw new IllegalArgumentException("id image has " + ids.length + " pixels, expected " + h + "x" + w);
        }
        Map<Integer, Runs> runs = new TreeMap<>();
        int pos = 0;
        int runId = -1;
        int runStart = 0;
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                int id = ids[y * w + x];
                if (id != runId) {
                    if (runId > 0) {
                        runs.computeIfAbsent(runId, k -> new Runs()).add(runStart, pos);
                    }
                    runId = id;
                    runStart = pos;
                }
                pos++;
            }
        }
        if (runId > 0) {
            runs.computeIfAbsent(runId, k -> new Runs()).add(runStart, pos);
        }
        Map<Integer, Rle> out = new TreeMap<>();
        for (Map.Entry<Integer, Runs> e : runs.entrySet()) {
            out.put(e.getKey(), e.getValue().finish(h, w));
        }
        return out;
    }

    /** The runs of one segment, appended in column-major order. */
    private static final class Runs {
        private int[] counts = new int[16];
        private int m;
        private int end;

        void add(int start, int stop) {
            if (start == end && m > 0) {
                counts[m - 1] += stop - start;
            } else {
                if (m + 2 > counts.length) {
                    counts = Arrays.copyOf(counts, counts.length * 2);
                }
                counts[m++] = start - end;
                counts[m++] = stop - start;
            }
            end = stop;
        }

        Rle finish(int h, int w) {
            int tail = h * w - end;
            if (tail > 0) {
                counts = Arrays.copyOf(counts, m + 1);
                counts[m++] = tail;
            }
            return Rle.trusted(h, w, Arrays.copyOf(counts, m));
        }
    }
}
