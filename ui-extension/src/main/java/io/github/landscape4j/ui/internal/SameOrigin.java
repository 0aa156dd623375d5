package io.github.landscape4j.ui.internal;

import io.vertx.core.http.HttpServerRequest;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Internal: whether a request that changes state comes from a page of another site (cross-site request forgery:
 * a form or an image on any web page can make the browser send it). Browsers say where a request comes from in
 * {@code Sec-Fetch-Site}, or else in {@code Origin} or {@code Referer}; a request with none of them (curl, DL4J's
 * {@code RemoteUIStatsStorageRouter}) is not a browser's and goes through.
 */
final class SameOrigin {
    private SameOrigin() {
    }

    /** True when the browser says the request comes from a page that is not on this server. */
    static boolean crossSite(HttpServerRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null) {
            return !site.equals("same-origin") && !site.equals("none");
        }
        String host = request.host(); // the Host header, or :authority over HTTP/2 (h2c)
        String origin = request.getHeader("Origin");
        if (origin != null) {
            return host == null || !origin.equalsIgnoreCase("http://" + host);
        }
        String referer = request.getHeader("Referer");
        if (referer != null) {
            try {
                return host == null || !host.equalsIgnoreCase(new URI(referer).getRawAuthority());
            } catch (URISyntaxException e) {
                return true;
            }
        }
        return false;
    }
}
