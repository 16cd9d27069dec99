package io.cocostream.streams.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.schemas.Kind;
import io.cocostream.schemas.avro.Caption;
import io.cocostream.schemas.avro.Category;
import io.cocostream.schemas.avro.Image;
import io.cocostream.schemas.avro.ImageView;
import io.cocostream.schemas.avro.KeypointAnnotation;
import io.cocostream.schemas.avro.PanopticView;
import io.cocostream.schemas.avro.RleMask;
import io.cocostream.schemas.avro.ValidatedAnnotation;
import io.cocostream.schemas.avro.ValidationStatus;
import io.cocostream.testing.RuleCases;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

/** The SVG QA sees: well-formed, labelled, highlighted, clipped, wrapped. */
class ShowAnnsTest {
    private static final Map<String, Category> CATEGORIES = Map.of(
            "instances/1", category("instances", 1, "person"),
            "person_keypoints/1", Category.newBuilder(category("person_keypoints", 1, "person"))
                    .setKeypoints(List.of("nose", "left_eye")).setSkeleton(List.of(List.of(1, 2))).build(),
            "panoptic/7", Category.newBuilder(category("panoptic", 7, "sky")).setColor(List.of(70, 130, 180)).build());
    private static final ShowAnns.Options NONE = new ShowAnns.Options((k, id) -> CATEGORIES.get(k.key(id)), Set.of(), null);

    private static Category category(String kind, int id, String name) {
        return Category.newBuilder().setKind(kind).setId(id).setName(name).setProvenance(RuleCases.PROV).build();
    }

    private static ValidatedAnnotation ann(long id, double x, ValidationStatus status) {
        return ValidatedAnnotation.newBuilder().setId(id).setCategoryId(1).setBbox(List.of(x, 1.0, 7.0, 6.0))
                .setMaskBbox(List.of(x, 1.0, 7.0, 6.0)).setSegmentation(RuleCases.polygon(x, 1, x + 7, 1, x + 3, 7))
                .setStatus(status).build();
    }

    private static ImageView view(List<ValidatedAnnotation> anns, List<KeypointAnnotation> kps, List<Caption> caps) {
        return ImageView.newBuilder().setImageId(5).setImage(Image.newBuilder().setId(5).setWidth(100).setHeight(50)
                .setFileName("5.jpg").build()).setInstances(anns).setKeypoints(kps).setCaptions(caps)
                .setUpdatedAt(Instant.EPOCH).build();
    }

    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
    }

    private static Element byId(Document d, String id) throws Exception {
        return (Element) XPathFactory.newInstance().newXPath().evaluate("//*[@id='" + id + "']", d, XPathConstants.NODE);
    }

    @Test
    void eachShapeIsLabelledTheAskedOneHighlightedTheOthersDimmedAndErrorsOutlined() throws Exception {
        ImageView v = view(List.of(ann(7, 1, ValidationStatus.INVALID), ann(8, 20, ValidationStatus.VALID)), List.of(),
                List.of());
        Document d = parse(ShowAnns.svg(v, new ShowAnns.Options(NONE.categories(), Set.of(7L), null)));
        Element flagged = byId(d, "ann-7");
        Element other = byId(d, "ann-8");
        assertTrue(flagged.getAttribute("class").contains("flagged") && flagged.getAttribute("class").contains("invalid"));
        assertTrue(other.getAttribute("class").contains("dimmed"), other.getAttribute("class"));
        assertEquals("0.25", other.getAttribute("opacity"));
        assertEquals("person #7", flagged.getElementsByTagName("text").item(0).getTextContent());
        Element box = (Element) flagged.getElementsByTagName("rect").item(0);
        assertEquals("red", box.getAttribute("stroke"), "an error outlines its box in red");

        Document plain = parse(ShowAnns.svg(v, NONE));
        assertFalse(byId(plain, "ann-8").getAttribute("class").contains("dimmed"), "nothing asked: nothing dimmed");
    }

    @Test
    void theRecomputedBoxIsDrawnWhereItDiffersAndNothingLeavesThePicture() throws Exception {
        ValidatedAnnotation off = ValidatedAnnotation.newBuilder(ann(7, 1, ValidationStatus.INVALID))
                .setMaskBbox(List.of(2.0, 1.0, 5.0, 6.0)).build();
        KeypointAnnotation far = KeypointAnnotation.newBuilder().setId(9).setImageId(5).setCategoryId(1)
                .setKeypoints(List.of(99999.0, 10.0, 2.0, 20.0, 10.0, 2.0)).setNumKeypoints(2).build();
        Document d = parse(ShowAnns.svg(view(List.of(off), List.of(far), List.of()), NONE));
        assertEquals(1.0, XPathFactory.newInstance().newXPath().evaluate("count(//*[@class='mask-bbox'])", d,
                XPathConstants.NUMBER), "the mask's own box beside the declared one");
        Element drawing = (Element) XPathFactory.newInstance().newXPath().evaluate("//*[@clip-path]", d, XPathConstants.NODE);
        assertEquals("url(#frame-5)", drawing.getAttribute("clip-path"), "a keypoint at x = 99999 is clipped");
        assertTrue(byId(d, "kp-9").getTextContent().contains("nose") && byId(d, "kp-9").getTextContent().contains("left_eye"),
                "keypoints carry their names");
        assertEquals(1, byId(d, "kp-9").getElementsByTagName("line").getLength(), "the skeleton's bone");
    }

    @Test
    void longCaptionsWrapToThePictureAndNoWordIsLost() {
        String text = "a very long caption that goes on and on about a man riding a horse along the beach at sunset "
                + "with a dog running beside them";
        List<String> lines = ShowAnns.wrap(List.of(Caption.newBuilder().setId(1).setImageId(5).setCaption(text).build()),
                140);
        assertTrue(lines.size() > 1, lines.toString());
        assertTrue(lines.stream().allMatch(l -> l.length() <= 20), lines.toString());
        assertEquals(text, String.join(" ", lines));
    }

    @Test
    void panopticSegmentsAreInTheirCategoriesColours() throws Exception {
        ValidatedAnnotation sky = ValidatedAnnotation.newBuilder().setId(3).setCategoryId(7).setBbox(List.of(1.0, 1.0, 2.0, 3.0))
                .setMask(RleMask.newBuilder().setHeight(10).setWidth(10).setCounts(RuleCases.BLOCK_STRING).build()).build();
        PanopticView v = PanopticView.newBuilder().setImageId(5).setImage(Image.newBuilder().setId(5).setWidth(10)
                .setHeight(10).build()).setAnnotations(List.of(sky)).setUpdatedAt(Instant.EPOCH).build();
        Document d = parse(ShowAnns.svg(v, new ShowAnns.Options(NONE.categories(), Set.of(), "/images/5.jpg")));
        Element seg = byId(d, "ann-3");
        assertEquals("rgb(70,130,180)", ((Element) seg.getElementsByTagName("path").item(0)).getAttribute("fill"));
        assertEquals("sky #3", seg.getElementsByTagName("text").item(0).getTextContent());
        assertEquals("/images/5.jpg", ((Element) d.getElementsByTagName("image").item(0)).getAttribute("href"));
        assertTrue(seg.getAttribute("class").contains(Kind.PANOPTIC.id()));
    }
}
