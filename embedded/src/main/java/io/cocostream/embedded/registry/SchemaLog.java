package io.cocostream.embedded.registry;

import java.util.function.BiConsumer;

/** Where the registry's records (Confluent's {@code _schemas} key/value JSON) are kept. */
public interface SchemaLog extends AutoCloseable {

    /** Calls {@code apply(key, value)} for every stored record in order (value null: tombstone). */
    void replay(BiConsumer<String, String> apply);

    /** Stores one record durably before returning. */
    void append(String key, String value);

    @Override
    default void close() {}

    /** A log in memory only, for tests of the REST API. */
    static SchemaLog inMemory() {
        java.util.List<String[]> records = new java.util.ArrayList<>();
        return new SchemaLog() {
            @Override
            public synchronized void replay(BiConsumer<String, String> apply) {
                records.forEach(r -> apply.accept(r[0], r[1]));
            }

            @Override
            public synchronized void append(String key, String value) {
                records.add(new String[] {key, value});
            }
        };
    }
}
