package io.github.landscape4j.ui.internal;

import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Internal: the validated parameters of one API request. Unknown query parameters, a {@code format} the route does
 * not offer and indices that are not small non-negative integers are 400s naming the parameter, the value and what
 * is allowed.
 */
public final class Request {
    private static final Pattern INDEX = Pattern.compile("0|[1-9][0-9]{0,8}");
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private final RoutingContext rc;
    private final List<String> pathParams;
    private final String format;

    /**
     * @param formats the formats the route offers, the first one the default
     */
    public Request(RoutingContext rc, List<String> pathParams, List<String> formats) {
        this.rc = rc;
        this.pathParams = pathParams;
        io.vertx.core.MultiMap query = query(rc);
        for (String name : query.names()) {
            if (!name.equals("format")) {
                throw new HttpError(400, "unknown parameter '" + name + "'; allowed: format (" + String.join(", ",
                        formats) + ")");
            }
        }
        List<String> given = query.getAll("format");
        if (given.size() > 1) {
            throw new HttpError(400, "parameter 'format' given " + given.size() + " times; give it once");
        }
        String f = given.isEmpty() ? formats.get(0) : given.get(0);
        if (!formats.contains(f)) {
            throw new HttpError(400, "format=" + f + " is not offered here; allowed: " + String.join(", ", formats));
        }
        this.format = f;
    }

    /** The query parameters; a query that is not valid percent-encoding is a 400 saying so. */
    private static io.vertx.core.MultiMap query(RoutingContext rc) {
        try {
            return rc.queryParams();
        } catch (RuntimeException e) {
            throw new HttpError(400, "the query '" + rc.request().query() + "' is not valid percent-encoding (a '%'"
                    + " must be followed by two hexadecimal digits)");
        }
    }

    public RoutingContext context() {
        return rc;
    }

    public String format() {
        return format;
    }

    /** The run id path parameter at {@code position}, checked against the run-id alphabet. */
    public String runId(int position, String name) {
        String v = pathParams.get(position);
        if (v == null || !RUN_ID.matcher(v).matches()) {
            throw new HttpError(400, name + "=" + v + " is not a run id: letters, digits, '.', '_', '-'");
        }
        return v;
    }

    /** A 0-based index path parameter. */
    public int index(int position, String name) {
        String v = pathParams.get(position);
        if (v == null || !INDEX.matcher(v).matches()) {
            throw new HttpError(400, name + "=" + v + " is not an index: a non-negative integer below 10^9");
        }
        return Integer.parseInt(v);
    }

    /** Formats offered by routes. */
    public static final List<String> JSON = List.of("json");
    public static final List<String> JSON_CSV = List.of("json", "csv");
    public static final List<String> JSON_CSV_VTK = List.of("json", "csv", "vtk");
}
