package io.github.landscape4j.ui.internal;

import com.google.gson.JsonObject;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

import java.util.Locale;

/**
 * Internal: screens requests before DL4J's router sees them, on the server {@link LocalhostUiServer} starts. DL4J's
 * {@code /assets/*} route maps the request path straight to a file name ({@code deeplearning4jUiAssets/...} or a
 * WebJar) and, for a name it cannot find, never answers. So: paths with {@code ..}, backslashes or encoded dots and
 * slashes are a 400, and {@code /assets/} paths that name no class-path resource are a 404, answered here in the
 * API's error format.
 */
final class RequestGuard implements Handler<HttpServerRequest> {
    private static final String ASSETS = "/assets/";
    private final Handler<HttpServerRequest> next;

    RequestGuard(Handler<HttpServerRequest> next) {
        this.next = next;
    }

    @Override
    public void handle(HttpServerRequest request) {
        String path = request.path();
        String lower = path == null ? "" : path.toLowerCase(Locale.ROOT);
        if (path == null || lower.contains("..") || lower.contains("\\") || lower.contains("%2e")
                || lower.contains("%2f") || lower.contains("%5c")) {
            reject(request, 400, "path " + path + " is not allowed: no '..', backslashes or encoded dots and"
                    + " slashes");
            return;
        }
        if (path.startsWith(ASSETS) && !assetExists(path.substring(ASSETS.length()))) {
            reject(request, 404, "no asset " + path);
            return;
        }
        next.handle(request);
    }

    /** The resource DL4J's asset route would send for this path (same mapping), if the class path has it. */
    private static boolean assetExists(String rest) {
        if (rest.isEmpty() || rest.endsWith("/")) {
            return false;
        }
        String name = rest.contains("webjars") ? "META-INF/resources/" + rest.substring(rest.indexOf("webjars"))
                : "deeplearning4jUiAssets/" + (rest.startsWith("/") ? rest.substring(1) : rest);
        return RequestGuard.class.getClassLoader().getResource(name) != null;
    }

    private static void reject(HttpServerRequest request, int status, String message) {
        JsonObject o = new JsonObject();
        o.addProperty("error", status);
        o.addProperty("message", message);
        request.response().setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8")
                .end(Responses.GSON.toJson(o));
    }
}
