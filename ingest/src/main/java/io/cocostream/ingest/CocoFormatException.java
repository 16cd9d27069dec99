package io.cocostream.ingest;

/** A delivered file is not what COCO promises: says where and what was expected. */
public class CocoFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Location location;

    public CocoFormatException(Location location, String message) {
        super(location + ": " + message);
        this.location = location;
    }

    public CocoFormatException(Location location, String message, Throwable cause) {
        super(location + ": " + message, cause);
        this.location = location;
    }

    public Location location() {
        return location;
    }
}
