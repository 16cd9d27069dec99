package io.cocostream.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records in the Confluent wire format: magic byte 0, the schema's 4-byte big-endian
 * registry id, then Avro binary. Thread-safe, so one instance may serve every Streams thread.
 */
public final class AvroSerializer<T extends GenericContainer> implements Serializer<T> {
    static final byte MAGIC = 0;

    private SerdeConfig config;
    private SchemaRegistryClient client;
    private boolean isKey;
    private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

    public AvroSerializer() {}

    /** A serializer sharing an existing client (and its caches). */
    public AvroSerializer(SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
        this.client = client;
        configure(configs, isKey);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = SerdeConfig.from(configs);
        this.isKey = isKey;
        if (client == null) {
            client = new SchemaRegistryClient(config);
        }
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Schema schema = record.getSchema();
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream(256);
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(body, null);
            writer(schema).write(record, enc);
            enc.flush();
            return serializeEncoded(topic, schema, body.toByteArray());
        } catch (IOException e) {
            throw new SerializationException("cannot serialize a " + schema.getFullName() + " for topic " + topic
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Frames Avro binary already written with {@code schema}: the bytes {@link #serialize} gives for
     * the same record, for callers that assemble records from encoded parts.
     */
    public byte[] serializeEncoded(String topic, Schema schema, byte[] body) {
        if (config == null) {
            throw new IllegalStateException("AvroSerializer used before configure()");
        }
        SubjectNameStrategy strategy = isKey ? config.keyStrategy() : config.valueStrategy();
        String subject = strategy.subject(topic, isKey, schema);
        try {
            int id;
            byte[] bytes = body;
            if (config.useLatestVersion()) {
                SchemaRegistryClient.Registered latest = client.version(subject, "latest");
                id = latest.id();
                if (!latest.schema().equals(schema)) {
                    bytes = project(body, schema, latest.schema());
                }
            } else {
                id = id(subject, schema);
            }
            byte[] framed = new byte[5 + bytes.length];
            framed[0] = MAGIC;
            ByteBuffer.wrap(framed, 1, 4).putInt(id);
            System.arraycopy(bytes, 0, framed, 5, bytes.length);
            return framed;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot serialize a " + schema.getFullName() + " for topic " + topic
                    + " (subject " + subject + "): " + e.getMessage(), e);
        }
    }

    /**
     * Bytes {@link #serialize} gave for another topic, framed for {@code topic}: the same array when
     * its subject has the same schema id (the registry's ids are global), else a copy with this one's.
     */
    public byte[] reframe(String topic, Schema schema, byte[] framed) {
        if (config == null) {
            throw new IllegalStateException("AvroSerializer used before configure()");
        }
        if (config.useLatestVersion()) {
            return serializeEncoded(topic, schema, Arrays.copyOfRange(framed, 5, framed.length));
        }
        String subject = (isKey ? config.keyStrategy() : config.valueStrategy()).subject(topic, isKey, schema);
        int id;
        try {
            id = id(subject, schema);
        } catch (RuntimeException e) {
            throw new SerializationException("cannot serialize a " + schema.getFullName() + " for topic " + topic
                    + " (subject " + subject + "): " + e.getMessage(), e);
        }
        if (ByteBuffer.wrap(framed, 1, 4).getInt() == id) {
            return framed;
        }
        byte[] copy = framed.clone();
        ByteBuffer.wrap(copy, 1, 4).putInt(id);
        return copy;
    }

    /** The schema's id under {@code subject}: registered on first use, or looked up (auto.register.schemas=false). */
    private int id(String subject, Schema schema) {
        return config.autoRegister() ? client.register(subject, schema) : client.lookupId(subject, schema);
    }

    private DatumWriter<Object> writer(Schema schema) {
        return writers.computeIfAbsent(schema, s -> new SpecificDatumWriter<>(s, AvroData.SPECIFIC));
    }

    /** Re-encodes a body written with {@code from} as the subject's latest schema (which must be able to read it). */
    private byte[] project(byte[] body, Schema from, Schema to) throws IOException {
        Object datum = new GenericDatumReader<Object>(from, to).read(null, DecoderFactory.get().binaryDecoder(body, null));
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 16);
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        writer(to).write(datum, enc);
        enc.flush();
        return out.toByteArray();
    }
}
