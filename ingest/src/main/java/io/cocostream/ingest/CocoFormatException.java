package io.cocostream.ingest;

/** A delivered file is not what COCO promises: says where and what was expected. */
public class CocoFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Location location;
    private final String reason;

    public CocoFormatException(Location location, String message) {
        this(location, message, null);
    }

    public CocoFormatException(Location location, String message, Throwable cause) {
        super(location + ": " + message, cause);
        this.location = location;
        this.reason = message;
    }

    public Location location() {
        return location;
    }

    /** What is wrong, without where ({@link #location()} says that). */
    public String reason() {
        return reason;
    }
}
