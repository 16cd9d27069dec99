package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.embedded.registry.EmbeddedSchemaRegistry;
import io.cocostream.embedded.registry.SchemaLog;
import io.cocostream.rules.Tolerances;
import io.cocostream.schemas.Topics;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.InstanceAnnotation;
import io.cocostream.schemas.avro.InstanceView;
import io.cocostream.schemas.avro.InstancesEvent;
import io.cocostream.schemas.avro.Provenance;
import io.cocostream.schemas.avro.Segmentation;
import io.cocostream.schemas.avro.ValidationAlert;
import io.cocostream.schemas.serde.AvroSerde;
import io.cocostream.schemas.serde.SchemaRegistryClient;
import io.cocostream.schemas.serde.SerdeConfig;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The validation topology with TopologyTestDriver: a good event passes, each bad one is alerted. */
class CocoTopologyTest {
    private EmbeddedSchemaRegistry registry;
    private TopologyTestDriver driver;
    private TestInputTopic<String, Category> categories;
    private TestInputTopic<Long, InstancesEvent> instances;
    private TestOutputTopic<Long, ValidationAlert> alerts;

    static final Provenance PROV = Provenance.newBuilder().setBatchId("b1").setSourceFile("f.json").setProducer("t")
            .setIngestTime(Instant.EPOCH).build();

    @BeforeEach
    void start() throws IOException {
        registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, SchemaLog.inMemory());
        Map<String, Object> serde = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
        Topology topology = CocoTopology.build(serde, Tolerances.DEFAULT);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "validation-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(topology, p);
        SchemaRegistryClient client = new SchemaRegistryClient(SerdeConfig.from(serde));
        categories = driver.createInputTopic(Topics.CATEGORIES, new StringSerializer(),
                new AvroSerde<>(Category.class, client, serde).serializer());
        instances = driver.createInputTopic(Topics.INSTANCES, new LongSerializer(),
                new AvroSerde<>(InstancesEvent.class, client, serde).serializer());
        alerts = driver.createOutputTopic(Topics.ALERTS, new LongDeserializer(),
                new AvroSerde<>(ValidationAlert.class, client, serde).deserializer());
        categories.pipeInput("instances/1", Category.newBuilder().setKind("instances").setId(1).setName("person")
                .setProvenance(PROV).build());
    }

    @AfterEach
    void stop() {
        driver.close();
        registry.close();
    }

    /** A 10×10 image with the triangle (1,1) (8,1) (4,7): shoelace area 21, extent [1, 1, 7, 6]. */
    static InstancesEvent event(double area, double bboxX, int category) {
        InstanceAnnotation a = InstanceAnnotation.newBuilder().setId(7).setImageId(5).setCategoryId(category)
                .setArea(area).setBbox(List.of(bboxX, 1.0, 7.0, 6.0))
                .setSegmentation(Segmentation.newBuilder().setPolygons(List.of(List.of(1.0, 1.0, 8.0, 1.0, 4.0, 7.0))).build())
                .build();
        return InstancesEvent.newBuilder().setImageId(5).setProvenance(PROV)
                .setImage(Image.newBuilder().setId(5).setWidth(10).setHeight(10).build())
                .setAnnotations(List.of(a)).build();
    }

    @Test
    void aValidEventRaisesNoAlert() {
        instances.pipeInput(5L, event(21, 1, 1));
        assertTrue(alerts.isEmpty());
    }

    @Test
    void eachBadValueIsAlertedWithItsRuleAndProvenance() {
        instances.pipeInput(5L, event(30, 1, 1));
        instances.pipeInput(5L, event(21, 3, 1));
        instances.pipeInput(5L, event(21, 1, 9));
        driver.advanceWallClockTime(Validate.CATEGORY_GRACE.plusSeconds(1));
        List<String> rules = alerts.readValuesToList().stream().map(ValidationAlert::getRule).toList();
        assertTrue(rules.contains("area.polygon"), rules.toString());
        assertTrue(rules.contains("bbox.polygon-extent"), rules.toString());
        assertTrue(rules.contains("category.exists"), rules.toString());
        instances.pipeInput(5L, event(30, 1, 1));
        ValidationAlert a = alerts.readKeyValue().value;
        assertEquals(5L, a.getImageId());
        assertEquals(7L, a.getAnnotationId());
        assertEquals("b1", a.getBatchId());
        assertEquals("f.json", a.getSourceFile());
    }

    @Test
    void aCategoryArrivingJustAfterItsEventsRaisesNoAlert() {
        instances.pipeInput(5L, event(21, 1, 2));
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(2));
        categories.pipeInput("instances/2", Category.newBuilder().setKind("instances").setId(2).setName("bicycle")
                .setProvenance(PROV).build());
        driver.advanceWallClockTime(Validate.CATEGORY_GRACE.plusSeconds(1));
        assertTrue(alerts.isEmpty(), "the late category cleared the pending check");
    }

    @Test
    void eachEventSeesTheCategoriesAsTheyAreWhenItComes() {
        // Given an instances view read back, and an event whose category is not known yet
        SchemaRegistryClient client = new SchemaRegistryClient(SerdeConfig.from(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL,
                registry.url())));
        TestOutputTopic<Long, InstanceView> views = driver.createOutputTopic(Topics.INSTANCES_VIEW, new LongDeserializer(),
                new AvroSerde<>(InstanceView.class, client, Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url()))
                        .deserializer());
        instances.pipeInput(5L, event(21, 1, 2));
        assertEquals(List.of(), names(views.readValue()));
        // When the category arrives, then is renamed, each between two events
        categories.pipeInput("instances/2", Category.newBuilder().setKind("instances").setId(2).setName("bicycle")
                .setProvenance(PROV).build());
        instances.pipeInput(5L, event(21, 1, 2));
        List<String> arrived = names(views.readValue());
        categories.pipeInput("instances/2", Category.newBuilder().setKind("instances").setId(2).setName("bike")
                .setProvenance(PROV).build());
        instances.pipeInput(5L, event(21, 1, 2));
        // Then each later event's view names the category as it was then
        assertEquals(List.of("bicycle"), arrived);
        assertEquals(List.of("bike"), names(views.readValue()));
        assertTrue(views.isEmpty());
    }

    private static List<String> names(InstanceView v) {
        return v.getCategories().stream().map(Category::getName).toList();
    }

    @Test
    void everyProcessorStoreAndSinkIsNamed() {
        String d = CocoTopology.build(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), Tolerances.DEFAULT)
                .describe().toString();
        assertTrue(d.contains("validate-instances") && d.contains("alerts-sink") && d.contains("categories-store"), d);
        assertTrue(!d.contains("KSTREAM-"), "no generated names: " + d);
    }
}
