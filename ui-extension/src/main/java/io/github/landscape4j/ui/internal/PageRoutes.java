package io.github.landscape4j.ui.internal;

import org.deeplearning4j.ui.api.HttpMethod;
import org.deeplearning4j.ui.api.Route;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Internal: the page ({@code /landscape}) and the catch-all that answers unknown API paths with a 404 naming the
 * routes. The page's script and style are served by DL4J's {@code /assets/} route from
 * {@code deeplearning4jUiAssets/landscape4j/}, Plotly from its WebJar.
 */
public final class PageRoutes {
    private static final String PAGE = "deeplearning4jUiAssets/landscape4j/index.html";
    private final Route page = page("/landscape", PAGE);

    /**
     * A GET route at {@code path} answering the HTML page {@code resource} of the jar, read once here.
     *
     * @throws IllegalStateException when the resource is missing from the jar
     */
    static Route page(String path, String resource) {
        String html;
        try (InputStream in = PageRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("landscape4j UI: resource " + resource + " is missing from the jar");
            }
            html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("landscape4j UI: cannot read resource " + resource, e);
        }
        return new Route(path, HttpMethod.GET, (p, rc) -> rc.response()
                .putHeader("content-type", "text/html; charset=utf-8").end(html));
    }

    public List<Route> routes() {
        return List.of(
                page,
                new Route("/landscape/api/*", HttpMethod.GET, PageRoutes::noRoute),
                new Route("/landscape/api", HttpMethod.GET, PageRoutes::noRoute));
    }

    private static void noRoute(List<String> params, io.vertx.ext.web.RoutingContext rc) {
        Responses.error(rc, 404, "no API route " + rc.request().path() + "; routes: /landscape/api/runs,"
                + " /landscape/api/runs/{run}, .../scalars, .../measures, .../archive, .../snapshots/{index},"
                + " .../snapshots/{index}/surfaces/{k}, .../snapshots/{index}/slices/{k}, /landscape/api/studies,"
                + " /landscape/api/studies/{study}");
    }
}
