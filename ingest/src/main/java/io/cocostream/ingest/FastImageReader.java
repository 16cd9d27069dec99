package io.cocostream.ingest;

import io.cocostream.schemas.avro.Image;

/**
 * An image object read straight from its bytes, as {@link Converters#image} reads its tree: for
 * plain images only (id, width and height as integer literals, a non-negative id and a positive
 * size, strings printable ASCII without escapes, no key twice); anything else is null, and the
 * tree path reads or names it. One thread at a time.
 */
final class FastImageReader {
    private final JsonCursor c = new JsonCursor();

    /** The image in {@code json[from, to)}, or null for the tree path. */
    Image read(byte[] json, int from, int to) {
        c.reset(json, from);
        // Locals and the all-args constructor, not Avro's builder: this runs for every image.
        long id = -1;
        int width = 0;
        int height = 0;
        String fileName = "";
        Long license = null;
        String cocoUrl = null;
        String flickrUrl = null;
        String dateCaptured = null;
        int seen = 0;
        try {
            if (c.opens('{', '}')) {
                do {
                    c.readKey();
                    int bit = key();
                    if ((seen & bit) != 0) {
                        return null;
                    }
                    seen |= bit;
                    switch (bit) {
                        case 1 -> id = c.integer();
                        case 2 -> width = c.positiveInt();
                        case 4 -> height = c.positiveInt();
                        case 8 -> fileName = c.literalNull() ? "" : c.ascii();
                        case 16 -> license = c.literalNull() ? null : c.integer();
                        case 32 -> cocoUrl = c.literalNull() ? null : c.ascii();
                        case 64 -> flickrUrl = c.literalNull() ? null : c.ascii();
                        case 128 -> dateCaptured = c.literalNull() ? null : c.ascii();
                        default -> c.skip();
                    }
                } while (c.more('}'));
            }
            if (!c.ok() || c.position() != to || (seen & 7) != 7 || id < 0) {
                return null;
            }
        } catch (JsonCursor.NotPlain | ArrayIndexOutOfBoundsException e) {
            return null;
        }
        return new Image(id, width, height, fileName, license, cocoUrl, flickrUrl, dateCaptured);
    }

    /** The bit of an image's key, 0 for the keys it skips. */
    private int key() {
        return c.key("id") ? 1 : c.key("width") ? 2 : c.key("height") ? 4 : c.key("file_name") ? 8
                : c.key("license") ? 16 : c.key("coco_url") ? 32 : c.key("flickr_url") ? 64
                : c.key("date_captured") ? 128 : 0;
    }
}
