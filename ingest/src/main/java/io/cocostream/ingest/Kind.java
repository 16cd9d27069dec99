package io.cocostream.ingest;

import io.cocostream.schemas.Topics;
/** The kinds of COCO file cocostream ingests, each with its topic. */
public enum Kind {
    INSTANCES("instances", Topics.INSTANCES),
    PERSON_KEYPOINTS("person_keypoints", Topics.PERSON_KEYPOINTS),
    STUFF("stuff", Topics.STUFF),
    PANOPTIC("panoptic", Topics.PANOPTIC),
    CAPTIONS("captions", Topics.CAPTIONS),
    DENSEPOSE("densepose", Topics.DENSEPOSE),
    RESULTS("results", Topics.RESULTS);

    /** First category id of COCO-Stuff's stuff classes (things are 1..91). */
    static final int FIRST_STUFF_CATEGORY = 92;

    private final String id;
    private final String topic;

    Kind(String id, String topic) {
        this.id = id;
        this.topic = topic;
    }

    /** The name used on the command line and in categories' keys ({@code instances}, {@code person_keypoints}, ...). */
    public String id() {
        return id;
    }

    /** The topic of this kind's per-image events. */
    public String topic() {
        return topic;
    }

    /** Parses {@link #id()} (or the enum name). */
    public static Kind parse(String s) {
        for (Kind k : values()) {
            if (k.id.equalsIgnoreCase(s) || k.name().equalsIgnoreCase(s.replace('-', '_'))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown kind '" + s + "': expected one of "
                + java.util.Arrays.stream(values()).map(Kind::id).toList());
    }
}
