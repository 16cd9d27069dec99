package io.cocostream.streams.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the API and the QA page answer: JSON written straight to the response, and the error body. */
final class Answers {
    private static final Logger LOG = LoggerFactory.getLogger(Answers.class);
    static final String JSON_TYPE = "application/json";

    private Answers() {}

    static ObjectNode error(String message) {
        return StoreSource.JSON.createObjectNode().put("error", message);
    }

    /**
     * The response's own stream (Jetty's: a buffer of 32 KiB, then chunks), not Javalin's, which
     * holds what is written until the handler returns.
     */
    static OutputStream body(Context ctx) throws IOException {
        return ctx.res().getOutputStream();
    }

    /** Writes {@code value} as JSON straight to the response, never as a whole string first. */
    static void json(Context ctx, int status, Object value) {
        ctx.status(status).contentType(JSON_TYPE);
        try (OutputStream out = body(ctx)) {
            StoreSource.JSON.writeValue(out, value);
        } catch (IOException e) {
            // the caller went away (or the server stops) mid-answer: there is no one left to tell
            LOG.debug("{} not answered to the end: {}", ctx.path(), e.toString());
        }
    }
}
