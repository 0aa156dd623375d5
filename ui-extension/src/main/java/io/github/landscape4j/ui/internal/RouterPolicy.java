package io.github.landscape4j.ui.internal;

import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Internal: changes DL4J's router (built by {@code VertxUIServer.start}) on the server {@link LocalhostUiServer}
 * starts, matching paths the way the router does:
 * <ul>
 *   <li>DL4J's body handler (no size limit, file uploads kept under {@code java.io.tmpdir/DL4JUI_*}) is replaced by
 *       ones that keep no upload and answer 413 above {@link ServerOptions#maxBodyBytes()}
 *       ({@link ServerOptions#maxRemoteBodyBytes()} on {@code /remoteReceive});</li>
 *   <li>DL4J's asset route, which never answers for a directory or a missing file, by {@link Assets};</li>
 *   <li>DL4J's t-SNE upload routes ({@link #UPLOAD_ROUTES}: they take a file and echo it back) answer 404;</li>
 *   <li>DL4J's GETs that change the server's state ({@link #STATE_CHANGING_GETS}: language, current session,
 *       current worker) answer 403 to pages of other sites; DL4J's own pages keep using them.</li>
 * </ul>
 */
final class RouterPolicy {
    static final String REMOTE_RECEIVE = "/remoteReceive";
    static final List<String> UPLOAD_ROUTES = List.of("/tsne/upload", "/tsne/post/:sid");
    static final List<String> STATE_CHANGING_GETS = List.of("/setlang/:to", "/setlang/:sessionId/:to",
            "/train/sessions/set/:to", "/train/workers/setByIdx/:to");
    private static final String ASSETS = "/assets/";
    private static final Logger log = LoggerFactory.getLogger(RouterPolicy.class);

    private RouterPolicy() {
    }

    static void apply(Router router, ServerOptions options) {
        List<String> missing = new ArrayList<>(List.of("body handler", ASSETS + "*"));
        missing.addAll(UPLOAD_ROUTES);
        for (Route r : new ArrayList<>(router.getRoutes())) {
            String path = r.getPath();
            if (path == null && !r.isRegexPath() && (r.methods() == null || r.methods().isEmpty())
                    && missing.remove("body handler")) {
                r.remove(); // DL4J's BodyHandler: the only route without a path
            } else if (ASSETS.equals(path) && missing.remove(ASSETS + "*")) {
                r.remove();
            } else if (path != null && UPLOAD_ROUTES.stream().anyMatch(u -> path.startsWith(base(u)))) {
                r.remove();
                missing.removeIf(u -> path.startsWith(base(u)));
            }
        }
        if (!missing.isEmpty()) {
            // another DL4J version: the routes added below still take precedence
            log.warn("landscape4j UI: DL4J's router has no {} to replace; this DL4J version is not the one"
                    + " landscape4j was tested with", missing);
        }
        for (String u : UPLOAD_ROUTES) {
            router.route(u).order(-5).handler(rc -> RequestGuard.reject(rc.response(), 404, "DL4J's t-SNE upload "
                    + u + " is switched off on the server landscape4j starts"));
        }
        for (String g : STATE_CHANGING_GETS) {
            router.get(g).order(-4).handler(rc -> {
                if (SameOrigin.crossSite(rc.request())) {
                    RequestGuard.reject(rc.response(), 403, "GET " + rc.normalisedPath() + " changes the server's"
                            + " state and is only answered to this server's own pages");
                } else {
                    rc.next();
                }
            });
        }
        router.route(REMOTE_RECEIVE).order(-3).handler(bodies(options.maxRemoteBodyBytes()));
        router.route().order(-2).handler(bodies(options.maxBodyBytes()));
        router.get(ASSETS + "*").handler(new Assets());
        router.errorHandler(400, rc -> failed(rc, 400, "bad request " + rc.request().uri() + ": a path or query"
                + " that is not valid percent-encoding (a '%' must be followed by two hexadecimal digits)"));
        router.errorHandler(500, rc -> failed(rc, 500, "request " + rc.request().uri() + " failed: "
                + rc.failure()));
        router.errorHandler(413, rc -> RequestGuard.reject(rc.response(), 413,
                RequestGuard.tooLarge(rc.normalisedPath(), -1, rc.normalisedPath().equals(REMOTE_RECEIVE)
                        ? options.maxRemoteBodyBytes() : options.maxBodyBytes())));
    }

    /**
     * A failure Vert.x's router reports for a request (a path it cannot decode, a handler that threw): the API's
     * JSON under {@code /landscape}, DL4J's own plain answer elsewhere.
     */
    private static void failed(RoutingContext rc, int status, String message) {
        String path = rc.request().path();
        if (path != null && path.startsWith("/landscape")) {
            if (status == 500) {
                log.warn("landscape4j UI: {}", message, rc.failure());
            }
            RequestGuard.reject(rc.response(), status, message);
        } else if (!rc.response().ended()) {
            rc.response().setStatusCode(status).end(status == 400 ? "Bad Request" : "Internal Server Error");
        }
    }

    /** Reads bodies up to {@code limit} bytes; multipart file parts are dropped, never written to disk. */
    private static io.vertx.core.Handler<RoutingContext> bodies(long limit) {
        return BodyHandler.create(false).setBodyLimit(limit).setDeleteUploadedFilesOnEnd(true);
    }

    /** {@code /tsne/post/:sid} -> {@code /tsne/post}. */
    private static String base(String route) {
        int colon = route.indexOf("/:");
        return colon < 0 ? route : route.substring(0, colon);
    }
}
