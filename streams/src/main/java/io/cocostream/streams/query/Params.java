package io.cocostream.streams.query;

import io.cocostream.eval.EvalParams.IouType;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A request's parameters as the API reads them: each bad one a 400 naming it and its value. */
final class Params {
    /** The longest query answered (about 30,000 ids); a longer one is a 414. */
    static final int MAX_QUERY = 1 << 18;

    private Params() {}

    static String required(Map<String, String> q, String name) {
        String v = q.getOrDefault(name, "");
        if (v.isEmpty()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return v;
    }

    static IouType iouType(Map<String, String> q) {
        String v = q.getOrDefault("iouType", "bbox");
        try {
            return IouType.valueOf(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("iouType: '" + v + "' is not bbox, segm or keypoints");
        }
    }

    /** The request's parameters (a repeated one adds to the list: {@code ids=1&ids=2} is {@code ids=1,2}); 414 past {@link #MAX_QUERY}. */
    static Map<String, String> query(Context ctx) {
        String raw = ctx.queryString();
        if (raw != null && raw.length() > MAX_QUERY) {
            throw new HttpResponseException(414, "query over " + MAX_QUERY + " characters: ask for fewer ids at once");
        }
        return query(raw);
    }

    static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.merge(k, v, (a, b) -> a.isEmpty() ? b : b.isEmpty() ? a : a + "," + b);
        }
        return q;
    }

    /** A list parameter: {@code 1,2,3} or {@code [1, 2, 3]}; absent or empty is the empty list. */
    static <T> List<T> list(Map<String, String> q, String name, Function<String, T> parse) {
        String v = q.getOrDefault(name, "").strip();
        if (v.startsWith("[") && v.endsWith("]")) {
            v = v.substring(1, v.length() - 1);
        }
        List<T> out = new ArrayList<>();
        for (String item : v.split(",")) {
            String t = item.strip(); // spaces only: a control character (imgIds=%00) is a bad number, not "no filter"
            if (t.isEmpty()) {
                continue;
            }
            try {
                out.add(parse.apply(t));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": '" + t + "' is not a number");
            }
        }
        return out;
    }

    static List<Long> longs(Map<String, String> q, String name) {
        return list(q, name, Long::parseLong);
    }

    static long longParam(Map<String, String> q, String name) {
        List<Long> v = longs(q, name);
        if (v.size() != 1) {
            throw new IllegalArgumentException(name + " needs one integer, got '" + q.getOrDefault(name, "") + "'");
        }
        return v.get(0);
    }
}
