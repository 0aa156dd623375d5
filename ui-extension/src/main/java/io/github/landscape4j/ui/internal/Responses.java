package io.github.landscape4j.ui.internal;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.github.landscape4j.store.StoreException;
import io.github.landscape4j.store.internal.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Internal: writes API answers. JSON for browsers: NaN and infinities (which the store keeps as computed) become
 * {@code null} wherever they are (fields, arrays, measure and per-tensor maps), since {@code JSON.parse} rejects
 * them. Errors are {@code {"error": status, "message": ...}}.
 */
public final class Responses {
    private static final Logger log = LoggerFactory.getLogger(Responses.class);

    /** Gson for API answers. */
    public static final Gson GSON = Json.forOthers().create();

    private Responses() {
    }

    /**
     * A GET route handler: validates the request for {@code formats}, computes the answer, writes it or the error.
     */
    public static BiConsumer<List<String>, RoutingContext> handler(List<String> formats,
                                                                   Function<Request, Answer> body) {
        return (params, rc) -> {
            Answer answer;
            try {
                answer = body.apply(new Request(rc, params, formats));
            } catch (HttpError e) {
                error(rc, e.status(), e.getMessage());
                return;
            } catch (StoreException e) {
                log.warn("landscape4j UI: reading {} failed: {}", rc.request().path(), e.toString());
                error(rc, 500, e.getMessage());
                return;
            } catch (OutOfMemoryError | StackOverflowError e) {
                log.warn("landscape4j UI: request {} failed: {}", rc.request().path(), e.toString());
                error(rc, 500, "request " + rc.request().path() + " failed: " + e);
                return;
            } catch (RuntimeException e) {
                log.warn("landscape4j UI: request {} failed", rc.request().uri(), e);
                error(rc, 500, "request " + rc.request().path() + " failed: " + e);
                return;
            }
            rc.response().setStatusCode(200)
                    .putHeader("content-type", answer.contentType())
                    .putHeader("cache-control", "no-store");
            if (answer.fileName() != null) {
                rc.response().putHeader("content-disposition", "attachment; filename=\"" + answer.fileName() + "\"");
            }
            rc.response().end(Buffer.buffer(answer.body()));
        };
    }

    public static void error(RoutingContext rc, int status, String message) {
        JsonObject o = new JsonObject();
        o.addProperty("error", status);
        o.addProperty("message", message);
        rc.response().setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8")
                .putHeader("cache-control", "no-store").end(GSON.toJson(o));
    }

    /** An answer body with its content type and, for downloads, a file name. */
    public record Answer(byte[] body, String contentType, String fileName) {
        public static Answer json(Object value) {
            return new Answer(GSON.toJson(value).getBytes(StandardCharsets.UTF_8), "application/json; charset=utf-8",
                    null);
        }

        public static Answer csv(String body, String fileName) {
            return new Answer(body.getBytes(StandardCharsets.UTF_8), "text/csv; charset=utf-8", fileName);
        }

        public static Answer vtk(byte[] body, String fileName) {
            return new Answer(body, "application/octet-stream", fileName);
        }
    }
}
