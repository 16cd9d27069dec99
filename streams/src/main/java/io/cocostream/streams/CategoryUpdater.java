package io.cocostream.streams;

import io.cocostream.schemas.avro.Category;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the categories' global store current (tombstones remove), counting each change. */
final class CategoryUpdater implements Processor<String, Category, Void, Void> {
    private final CategoryChanges changes;
    private KeyValueStore<String, Category> store;

    CategoryUpdater(CategoryChanges changes) {
        this.changes = changes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(Stores.CATEGORIES);
    }

    @Override
    public void process(Record<String, Category> r) {
        if (r.value() == null) {
            store.delete(r.key());
        } else {
            store.put(r.key(), r.value());
        }
        changes.changed();
    }
}
