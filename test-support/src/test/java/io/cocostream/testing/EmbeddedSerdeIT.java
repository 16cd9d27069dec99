package io.cocostream.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cocostream.embedded.EmbeddedStack;
import io.cocostream.embedded.KafkaStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

    @Override
    @Test
    void theStackIsTheOneUnderTest() {
        assertTrue(stack instanceof EmbeddedStack, "in-process broker and registry");
        assertTrue(stack.bootstrapServers().startsWith("127.0.0.1:"), stack.bootstrapServers());
    }
}
