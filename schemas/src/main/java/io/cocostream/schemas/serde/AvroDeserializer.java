package io.cocostream.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format. The writer's schema comes from the registry by id; the reader's
 * is the target class's (when given), the generated class named by the writer schema (with
 * {@code specific.avro.reader}), or the writer's own (generic records). Thread-safe.
 */
public final class AvroDeserializer<T> implements Deserializer<T> {
    private final Schema targetSchema;
    private SerdeConfig config;
    private SchemaRegistryClient client;
    private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();

    /** Reads into whatever the writer's schema names (specific if generated, else generic). */
    public AvroDeserializer() {
        this.targetSchema = null;
    }

    /** Reads every record into {@code target}'s schema, resolving older or newer writers. */
    public AvroDeserializer(Class<T> target) {
        this.targetSchema = SpecificData.get().getSchema(target);
    }

    /** A deserializer sharing an existing client. */
    public AvroDeserializer(SchemaRegistryClient client, Class<T> target, Map<String, ?> configs) {
        this.targetSchema = target == null ? null : SpecificData.get().getSchema(target);
        this.client = client;
        configure(configs, false);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = SerdeConfig.from(configs);
        if (client == null) {
            client = new SchemaRegistryClient(config);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (config == null) {
            throw new IllegalStateException("AvroDeserializer used before configure()");
        }
        if (data.length < 5 || data[0] != AvroSerializer.MAGIC) {
            throw new SerializationException("not the Confluent wire format on topic " + topic + ": "
                    + (data.length < 5 ? data.length + " bytes" : "magic byte " + data[0]) + ", expected 0");
        }
        int id = ByteBuffer.wrap(data, 1, 4).getInt();
        try {
            DatumReader<Object> reader = readers.computeIfAbsent(id, this::reader);
            return (T) reader.read(null, DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot deserialize a record of schema id " + id + " on topic "
                    + topic + ": " + e.getMessage(), e);
        }
    }

    private DatumReader<Object> reader(int id) {
        Schema writer = client.schemaById(id);
        if (targetSchema != null) {
            return new SpecificDatumReader<>(writer, targetSchema, AvroData.SPECIFIC);
        }
        if (config.specificReader() && SpecificData.get().getClass(writer) != null) {
            Schema reader = SpecificData.get().getSchema(SpecificData.get().getClass(writer));
            return new SpecificDatumReader<>(writer, reader, AvroData.SPECIFIC);
        }
        return new GenericDatumReader<>(writer);
    }
}
