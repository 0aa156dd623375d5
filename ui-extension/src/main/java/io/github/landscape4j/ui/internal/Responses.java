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
     * A GET route handler: validates the request for {@code formats} on the event loop, computes the answer on a
     * Vert.x worker thread (reading a store decodes records from disk: on the event loop a large snapshot or a busy
     * machine held every other request up, and Vert.x logged "Thread blocked"), then writes it or the error.
     */
    public static BiConsumer<List<String>, RoutingContext> handler(List<String> formats,
                                                                   Function<Request, Answer> body) {
        return (params, rc) -> {
            Request request;
            try {
                request = new Request(rc, params, formats);
            } catch (HttpError e) {
                error(rc, e.status(), e.getMessage());
                return;
            }
            rc.vertx().<Outcome>executeBlocking(p -> p.complete(outcome(rc, body, request)), false, done -> {
                Outcome o = done.succeeded() ? done.result()
                        : new Outcome(null, 500, "request " + rc.request().path() + " failed: " + done.cause());
                if (o.answer() == null) {
                    error(rc, o.status(), o.message());
                    return;
                }
                Answer answer = o.answer();
                rc.response().setStatusCode(200)
                        .putHeader("content-type", answer.contentType())
                        .putHeader("cache-control", "no-store");
                if (answer.fileName() != null) {
                    rc.response().putHeader("content-disposition", "attachment; filename=\"" + answer.fileName()
                            + "\"");
                }
                rc.response().end(Buffer.buffer(answer.body()));
            });
        };
    }

    /** An answer, or the status and message of an error. */
    private record Outcome(Answer answer, int status, String message) {
    }

    private static Outcome outcome(RoutingContext rc, Function<Request, Answer> body, Request request) {
        try {
            return new Outcome(body.apply(request), 200, null);
        } catch (HttpError e) {
            return new Outcome(null, e.status(), e.getMessage());
        } catch (StoreException e) {
            log.warn("landscape4j UI: reading {} failed: {}", rc.request().path(), e.toString());
            return new Outcome(null, 500, e.getMessage());
        } catch (OutOfMemoryError | StackOverflowError e) {
            log.warn("landscape4j UI: request {} failed: {}", rc.request().path(), e.toString());
            return new Outcome(null, 500, "request " + rc.request().path() + " failed: " + e);
        } catch (RuntimeException e) {
            log.warn("landscape4j UI: request {} failed", rc.request().uri(), e);
            return new Outcome(null, 500, "request " + rc.request().path() + " failed: " + e);
        }
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
