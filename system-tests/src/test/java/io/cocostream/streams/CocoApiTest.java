package io.cocostream.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Category;
import io.cocostream.streams.query.CocoApi;
import io.cocostream.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The COCO API over the topology's state stores, after ingesting the real instances and captions
 * files; every answer is checked against the same question asked of the file itself, as
 * pycocotools would index it.
 */
class CocoApiTest {
    private static Driver d;
    private static CocoApi api;
    private static JsonNode file;

    @BeforeAll
    static void load() throws IOException {
        d = new Driver();
        Path instances = SharedData.coco().resolve("instances/instances_val2017_mini.json");
        Deliveries.ingest(d, instances, null);
        Deliveries.ingest(d, SharedData.coco().resolve("captions/captions_val2017_mini.json"), null);
        api = new CocoApi(d.stores());
        file = new ObjectMapper().readTree(instances.toFile());
    }

    @AfterAll
    static void close() {
        d.close();
    }

    private static List<JsonNode> anns() {
        return StreamSupport.stream(file.get("annotations").spliterator(), false).toList();
    }

    @Test
    void getImgIds() {
        Set<Long> all = new TreeSet<>();
        file.get("images").forEach(i -> all.add(i.get("id").asLong()));
        assertEquals(List.copyOf(all), api.getImgIds(Kind.INSTANCES, List.of(), List.of()));
        Set<Long> withPeopleAndDogs = new TreeSet<>();
        Set<Long> dogs = new TreeSet<>();
        anns().forEach(a -> {
            if (a.get("category_id").asInt() == 1) {
                withPeopleAndDogs.add(a.get("image_id").asLong());
            }
            if (a.get("category_id").asInt() == 18) {
                dogs.add(a.get("image_id").asLong());
            }
        });
        withPeopleAndDogs.retainAll(dogs);
        assertTrue(!dogs.isEmpty());
        assertEquals(List.copyOf(withPeopleAndDogs), api.getImgIds(Kind.INSTANCES, List.of(), List.of(1L, 18L)));
        long first = all.iterator().next();
        assertEquals(List.of(first, 999_999_999L), api.getImgIds(Kind.INSTANCES, List.of(999_999_999L, first), List.of()),
                "image ids alone come back as given, known or not (as pycocotools)");
    }

    @Test
    void getAnnIds() {
        long image = file.get("images").get(3).get("id").asLong();
        List<Long> expected = new ArrayList<>();
        List<Long> crowdSmall = new ArrayList<>();
        List<Long> all = new ArrayList<>();
        anns().forEach(a -> {
            all.add(a.get("id").asLong());
            if (a.get("image_id").asLong() == image) {
                expected.add(a.get("id").asLong());
            }
            double area = a.get("area").asDouble();
            if (a.get("iscrowd").asInt() == 0 && a.get("category_id").asInt() == 1 && area > 100 && area < 5000) {
                crowdSmall.add(a.get("id").asLong());
            }
        });
        assertEquals(new TreeSet<>(expected), new TreeSet<>(api.getAnnIds(Kind.INSTANCES, List.of(image), List.of(), List.of(), null)));
        assertEquals(new TreeSet<>(crowdSmall),
                new TreeSet<>(api.getAnnIds(Kind.INSTANCES, List.of(), List.of(1L), List.of(100.0, 5000.0), 0)));
        assertEquals(new TreeSet<>(all), new TreeSet<>(api.getAnnIds(Kind.INSTANCES, List.of(), List.of(), List.of(), null)));
        assertEquals(all.size(), api.getAnnIds(Kind.INSTANCES, List.of(), List.of(), List.of(), null).size());
    }

    @Test
    void getCatIdsAndLoadCats() {
        List<Long> vehicles = new ArrayList<>();
        file.get("categories").forEach(c -> {
            if (c.get("supercategory").asText().equals("vehicle")) {
                vehicles.add(c.get("id").asLong());
            }
        });
        assertEquals(vehicles, api.getCatIds(Kind.INSTANCES, List.of(), List.of("vehicle"), List.of()));
        assertEquals(List.of(1L, 18L), api.getCatIds(Kind.INSTANCES, List.of("person", "dog"), List.of(), List.of()));
        List<Category> cats = api.loadCats(Kind.INSTANCES, List.of(18L, 1L));
        assertEquals("dog", cats.get(0).getName());
        assertEquals("person", cats.get(1).getName());
        assertEquals(file.get("categories").size(), api.getCatIds(Kind.INSTANCES, List.of(), List.of(), List.of()).size());
    }

    @Test
    void loadImgsAndLoadAnnsReturnTheFilesDicts() {
        JsonNode img = file.get("images").get(5);
        List<JsonNode> imgs = api.loadImgs(Kind.INSTANCES, List.of(img.get("id").asLong()));
        assertEquals(1, imgs.size());
        assertEquals(null, RoundTripTest.diff("img", img, imgs.get(0)));
        JsonNode a = anns().get(17);
        JsonNode b = anns().get(3);
        List<JsonNode> loaded = api.loadAnns(Kind.INSTANCES, List.of(a.get("id").asLong(), b.get("id").asLong()));
        assertEquals(null, RoundTripTest.diff("ann", a, loaded.get(0)));
        assertEquals(null, RoundTripTest.diff("ann", b, loaded.get(1)));
        assertThrows(NoSuchElementException.class, () -> api.loadAnns(Kind.INSTANCES, List.of(-5L)));
        assertThrows(NoSuchElementException.class, () -> api.loadImgs(Kind.INSTANCES, List.of(-5L)));
    }

    @Test
    void captionsAreAKindOfTheirOwn() throws IOException {
        JsonNode caps = new ObjectMapper().readTree(SharedData.coco().resolve("captions/captions_val2017_mini.json").toFile());
        JsonNode c = caps.get("annotations").get(10);
        long image = c.get("image_id").asLong();
        assertTrue(api.getAnnIds(Kind.CAPTIONS, List.of(image), List.of(), List.of(), null).contains(c.get("id").asLong()));
        assertEquals(c.get("caption").asText(), api.loadAnns(Kind.CAPTIONS, List.of(c.get("id").asLong())).get(0)
                .get("caption").asText());
        assertEquals(caps.get("images").size(), api.getImgIds(Kind.CAPTIONS, List.of(), List.of()).size());
    }
}
