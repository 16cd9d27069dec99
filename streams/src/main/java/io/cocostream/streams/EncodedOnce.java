package io.cocostream.streams;

import io.cocostream.schemas.serde.AvroSerde;
import io.cocostream.schemas.serde.AvroSerializer;
import io.cocostream.schemas.serde.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A view encoded once where it is both stored and sent: the store's serializer keeps, per stream
 * thread, the record it last encoded and its bytes; the view topic's serializer, asked next for that
 * very object, sends those bytes (framed for its own subject) instead of encoding the view again. A kept
 * encoding is taken once, by identity, by the next serialization on its thread; any other record is
 * encoded anew. Its contract: a record is not changed between its put and its send, which
 * {@link Views} keeps (it puts a view and forwards it as it is). An image view is the topology's
 * largest record: this saves one of its two encodings.
 */
final class EncodedOnce<T extends SpecificRecord> {
    /** What the store's serializer encoded last on this thread. */
    private record Kept(Object record, byte[] framed) {}

    private final ThreadLocal<Kept> kept = new ThreadLocal<>();
    private final AvroSerializer<T> encoder;
    private final Serde<T> store;
    private final Serde<T> sent;

    EncodedOnce(Class<T> type, SchemaRegistryClient client, Map<String, ?> serdeConfig) {
        AvroSerde<T> avro = new AvroSerde<>(type, client, serdeConfig);
        this.encoder = (AvroSerializer<T>) avro.serializer();
        Deserializer<T> decoder = avro.deserializer();
        Serializer<T> keeping = (topic, record) -> {
            byte[] framed = encoder.serialize(topic, record);
            kept.set(record == null ? null : new Kept(record, framed));
            return framed;
        };
        Serializer<T> reusing = (topic, record) -> {
            Kept k = kept.get();
            kept.remove();
            if (k == null || k.record() != record) {
                return encoder.serialize(topic, record);
            }
            return encoder.reframe(topic, record.getSchema(), k.framed());
        };
        this.store = Serdes.serdeFrom(keeping, decoder);
        this.sent = Serdes.serdeFrom(reusing, decoder);
    }

    /** The store's serde: it keeps what it encodes. */
    Serde<T> store() {
        return store;
    }

    /** The view topic's serde: it reuses what the store just encoded. */
    Serde<T> sent() {
        return sent;
    }
}
