package io.cocostream.schemas;

import java.util.Arrays;

/**
 * The kinds of COCO file cocostream ingests, each with its event topic. A kind's {@link #id()} is
 * part of the contract: it names the kind on the command line, in alerts and views, and prefixes
 * its categories' keys on {@code coco.categories.v1} ({@link #categoryKey}).
 */
public enum Kind {
    INSTANCES("instances", Topics.INSTANCES),
    PERSON_KEYPOINTS("person_keypoints", Topics.PERSON_KEYPOINTS),
    STUFF("stuff", Topics.STUFF),
    PANOPTIC("panoptic", Topics.PANOPTIC),
    CAPTIONS("captions", Topics.CAPTIONS),
    DENSEPOSE("densepose", Topics.DENSEPOSE),
    RESULTS("results", Topics.RESULTS);

    /** First category id of COCO-Stuff's stuff classes (things are 1..91). */
    public static final int FIRST_STUFF_CATEGORY = 92;
    /** DensePose's body parts: an annotation's {@code dp_masks} has one mask per part. */
    public static final int DENSEPOSE_PARTS = 14;

    private final String id;
    private final String topic;

    Kind(String id, String topic) {
        this.id = id;
        this.topic = topic;
    }

    /** The name used on the command line, in alerts and in categories' keys ({@code instances}, {@code person_keypoints}, ...). */
    public String id() {
        return id;
    }

    /** The topic of this kind's per-image events. */
    public String topic() {
        return topic;
    }

    /**
     * {@code <kind>/<id>}: how this kind's category {@code id} is keyed on {@code coco.categories.v1},
     * and its annotation {@code id} in the topology's store of annotation ids.
     */
    public String key(long id) {
        return this.id + "/" + id;
    }

    /** Parses {@link #id()} (or the enum name). */
    public static Kind parse(String s) {
        for (Kind k : values()) {
            if (k.id.equalsIgnoreCase(s) || k.name().equalsIgnoreCase(s.replace('-', '_'))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown kind '" + s + "': expected one of "
                + Arrays.stream(values()).map(Kind::id).toList());
    }

    /** The kind whose per-image events are of class {@code type}. */
    public static Kind ofEvent(Class<?> type) {
        for (Kind k : values()) {
            if (Topics.spec(k.topic).valueType() == type) {
                return k;
            }
        }
        throw new IllegalArgumentException("no kind has events of " + type.getName());
    }

}
