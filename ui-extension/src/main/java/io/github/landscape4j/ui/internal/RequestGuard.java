package io.github.landscape4j.ui.internal;

import com.google.gson.JsonObject;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.Locale;

/**
 * Internal: screens each request before DL4J's router sees it, on the server {@link LocalhostUiServer} starts, and
 * answers in the API's error format:
 * <ul>
 *   <li>a request line longer than {@link #MAX_URI} characters: 414 (the server reads lines up to
 *       {@link #MAX_LINE}, so that such a request reaches this check instead of Vert.x's empty 414);</li>
 *   <li>paths with {@code ..}, backslashes or encoded dots and slashes: 400;</li>
 *   <li>a {@code Host} header this server is not known by ({@link HostCheck}, against DNS rebinding): 403;</li>
 *   <li>a request that is neither GET nor HEAD from a page of another site ({@link SameOrigin}): 403;</li>
 *   <li>multipart bodies: 415, as no route of this server takes uploads and Vert.x would spool them to disk;</li>
 *   <li>a declared {@code Content-Length} above the limit: 413 (bodies of unknown length are counted by the
 *       router's body handler, see {@link RouterPolicy}).</li>
 * </ul>
 * A request announcing {@code Expect: 100-continue} gets its 100 once it has passed.
 */
final class RequestGuard implements Handler<HttpServerRequest> {
    /** Longest URI answered (characters); longer ones are 414s in the API's format. */
    static final int MAX_URI = 8192;
    /** Longest request line the server reads ({@code HttpServerOptions.maxInitialLineLength}; Vert.x: 4096). */
    static final int MAX_LINE = 65536;
    private final Handler<HttpServerRequest> next;
    private final HostCheck hosts;
    private final ServerOptions options;

    RequestGuard(Handler<HttpServerRequest> next, HostCheck hosts, ServerOptions options) {
        this.next = next;
        this.hosts = hosts;
        this.options = options;
    }

    @Override
    public void handle(HttpServerRequest request) {
        String uri = request.uri();
        if (uri != null && uri.length() > MAX_URI) {
            reject(request, 414, "URI of " + uri.length() + " characters is longer than the " + MAX_URI
                    + " this server answers");
            return;
        }
        String path = request.path();
        String lower = path == null ? "" : path.toLowerCase(Locale.ROOT);
        if (path == null || lower.contains("..") || lower.contains("\\") || lower.contains("%2e")
                || lower.contains("%2f") || lower.contains("%5c")) {
            reject(request, 400, "path " + path + " is not allowed: no '..', backslashes or encoded dots and"
                    + " slashes");
            return;
        }
        String host = request.host(); // the Host header, or :authority over HTTP/2 (h2c)
        if (!hosts.allows(host)) {
            reject(request, 403, "Host " + (host == null ? "(none)" : "'" + host + "'") + " is not allowed here;"
                    + " allowed: " + hosts.describe() + "; add names with -D" + ServerOptions.ALLOWED_HOSTS);
            return;
        }
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD
                && SameOrigin.crossSite(request)) {
            reject(request, 403, request.method() + " " + path + " from a page of another site is not allowed");
            return;
        }
        String type = request.getHeader("Content-Type");
        if (type != null && type.trim().toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            reject(request, 415, "multipart bodies are not accepted: no route of this server takes uploads");
            return;
        }
        long limit = path.equals(RouterPolicy.REMOTE_RECEIVE) ? options.maxRemoteBodyBytes()
                : options.maxBodyBytes();
        String length = request.getHeader("Content-Length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                reject(request, 400, "Content-Length " + length + " is not a number");
                return;
            }
            if (n > limit) {
                request.response().putHeader("Connection", "close");
                reject(request, 413, tooLarge(path, n, limit));
                return;
            }
        }
        if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            request.response().writeContinue();
        }
        next.handle(request);
    }

    static String tooLarge(String path, long length, long limit) {
        String property = path.equals(RouterPolicy.REMOTE_RECEIVE) ? ServerOptions.MAX_REMOTE_BODY
                : ServerOptions.MAX_BODY;
        return "request body of " + (length < 0 ? "more than " + limit : Long.toString(length)) + " bytes for "
                + path + " is above the limit of " + limit + " bytes (-D" + property + ")";
    }

    static void reject(HttpServerRequest request, int status, String message) {
        reject(request.response(), status, message);
    }

    static void reject(HttpServerResponse response, int status, String message) {
        if (response.ended() || response.closed()) {
            return;
        }
        JsonObject o = new JsonObject();
        o.addProperty("error", status);
        o.addProperty("message", message);
        response.setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8")
                .end(Responses.GSON.toJson(o));
    }
}
