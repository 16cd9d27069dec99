package io.cocostream.testing;

import io.cocostream.embedded.EmbeddedStack;
import io.cocostream.embedded.KafkaStack;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one in-process broker and registry per test class, on free loopback ports,
 * injected as a {@link KafkaStack} (or {@link EmbeddedStack}) parameter and closed after the class.
 */
public final class EmbeddedStackExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(EmbeddedStackExtension.class);

    /** Closes the stack when JUnit closes the class's store. */
    private record Holder(EmbeddedStack stack) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            stack.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        stack(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        Class<?> t = p.getParameter().getType();
        return t == KafkaStack.class || t == EmbeddedStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return stack(e);
    }

    private static EmbeddedStack stack(ExtensionContext context) {
        ExtensionContext classContext = context.getRoot() == context ? context
                : context.getTestClass().isPresent() && context.getParent().isPresent()
                        && context.getTestMethod().isPresent() ? context.getParent().get() : context;
        return classContext.getStore(NS).getOrComputeIfAbsent("stack", k -> {
            try {
                return new Holder(EmbeddedStack.startTemporary());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Holder.class).stack();
    }
}
