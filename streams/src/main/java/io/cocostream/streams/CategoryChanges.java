package io.cocostream.streams;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the changes of the categories' global store, so that a task may keep the categories it
 * has read until one changes: the store holds bytes, and reading it decodes a {@code Category}.
 * The global thread counts; the stream threads look.
 */
final class CategoryChanges {
    private final AtomicLong count = new AtomicLong();

    /** A category was put or removed. */
    void changed() {
        count.incrementAndGet();
    }

    /** How many changes there have been: a category read at an earlier count may be stale. */
    long count() {
        return count.get();
    }
}
