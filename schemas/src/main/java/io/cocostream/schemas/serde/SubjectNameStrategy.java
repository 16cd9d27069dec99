package io.cocostream.schemas.serde;

import java.util.Locale;
import org.apache.avro.Schema;

/** Confluent's subject name strategies, accepted by their Confluent class names or short names. */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} / {@code <topic>-value}: one schema per topic (the default). */
    TOPIC_NAME {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + (isKey ? "-key" : "-value");
        }
    },
    /** The record's full name: one schema per type, across topics. */
    RECORD_NAME {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return schema.getFullName();
        }
    },
    /** {@code <topic>-<record full name>}: several types per topic. */
    TOPIC_RECORD_NAME {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + "-" + schema.getFullName();
        }
    };

    /** The subject under which a schema written to {@code topic} is registered. */
    public abstract String subject(String topic, boolean isKey, Schema schema);

    /** Parses {@code io.confluent.kafka.serializers.subject.TopicNameStrategy}, {@code TopicNameStrategy} or {@code topic_name}. */
    public static SubjectNameStrategy parse(String value) {
        String simple = value.substring(value.lastIndexOf('.') + 1).trim();
        switch (simple.toLowerCase(Locale.ROOT).replace("_", "")) {
            case "topicnamestrategy":
            case "topicname":
                return TOPIC_NAME;
            case "recordnamestrategy":
            case "recordname":
                return RECORD_NAME;
            case "topicrecordnamestrategy":
            case "topicrecordname":
                return TOPIC_RECORD_NAME;
            default:
                throw new IllegalArgumentException("unknown subject name strategy '" + value
                        + "': expected TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy");
        }
    }
}
