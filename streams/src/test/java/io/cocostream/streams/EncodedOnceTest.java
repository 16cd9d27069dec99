package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.cocostream.embedded.registry.EmbeddedSchemaRegistry;
import io.cocostream.embedded.registry.SchemaLog;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.serde.AvroSerializer;
import io.cocostream.schemas.serde.SchemaRegistryClient;
import io.cocostream.schemas.serde.SerdeConfig;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The image view's one encoding: what the topic gets is exactly what encoding it anew gives. */
class EncodedOnceTest {
    private static final String CHANGELOG = "app-image-view-store-changelog";
    private EmbeddedSchemaRegistry registry;
    private Map<String, Object> config;
    private EncodedOnce<ImageView> once;
    private AvroSerializer<ImageView> fresh;

    @BeforeEach
    void start() {
        registry = start("127.0.0.1");
        config = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
        once = new EncodedOnce<>(ImageView.class, new SchemaRegistryClient(SerdeConfig.from(config)), config);
        fresh = new AvroSerializer<>();
        fresh.configure(config, false);
    }

    private static EmbeddedSchemaRegistry start(String host) {
        try {
            return EmbeddedSchemaRegistry.start(host, 0, SchemaLog.inMemory());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private static ImageView view(long id) {
        return ImageView.newBuilder().setImageId(id).setUpdatedAt(Instant.ofEpochMilli(1234)).build();
    }

    @Test
    void theViewSentAfterItsPutIsTheBytesItsOwnEncodingGives() {
        ImageView v = view(7);
        byte[] stored = once.store().serializer().serialize(CHANGELOG, v);
        byte[] sent = once.sent().serializer().serialize(Topics.IMAGE_VIEW, v);
        assertArrayEquals(fresh.serialize(Topics.IMAGE_VIEW, v), sent);
        assertEquals(v, once.sent().deserializer().deserialize(Topics.IMAGE_VIEW, sent));
        assertSame(stored, sent, "the registry's ids are global: the store's bytes go as they are, not copied");
    }

    @Test
    void anotherObjectOrASecondSendIsEncodedAnew() {
        ImageView stored = view(7);
        once.store().serializer().serialize(CHANGELOG, stored);
        ImageView other = view(8);
        assertArrayEquals(fresh.serialize(Topics.IMAGE_VIEW, other), once.sent().serializer().serialize(Topics.IMAGE_VIEW, other));
        // the kept encoding was taken (by the miss): a later change to the stored object is not hidden
        stored.setImageId(9);
        assertArrayEquals(fresh.serialize(Topics.IMAGE_VIEW, stored), once.sent().serializer().serialize(Topics.IMAGE_VIEW, stored));
        assertNull(once.sent().serializer().serialize(Topics.IMAGE_VIEW, null), "a tombstone stays one");
    }
}
