package io.cocostream.embedded;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link SerdeContract} against the in-process broker and embedded registry. */
@ExtendWith(EmbeddedStackExtension.class)
class EmbeddedSerdeIT extends SerdeContract {
    private static KafkaStack stack;

    @BeforeAll
    static void init(KafkaStack s) {
        stack = s;
    }

    @Override
    KafkaStack stack() {
        return stack;
    }
}
