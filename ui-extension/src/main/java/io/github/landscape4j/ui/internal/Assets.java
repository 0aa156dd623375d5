package io.github.landscape4j.ui.internal;

import io.vertx.core.Handler;
import io.vertx.core.http.impl.MimeMapping;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;

/**
 * Internal: DL4J's {@code /assets/*} route with the same mapping (class-path files under
 * {@code deeplearning4jUiAssets/}, WebJars under {@code META-INF/resources/} when the path names {@code webjars}),
 * answering 404 at once for anything that is not a regular file: DL4J's own route never answers for a directory or
 * a missing file, holding the connection.
 */
final class Assets implements Handler<RoutingContext> {
    private static final String ASSETS = "/assets/";
    private static final String ROOT = "deeplearning4jUiAssets/";

    @Override
    public void handle(RoutingContext rc) {
        String path = rc.normalisedPath();
        String rest = path.startsWith(ASSETS) ? path.substring(ASSETS.length()) : "";
        String name = rest.contains("webjars") ? "META-INF/resources/" + rest.substring(rest.indexOf("webjars"))
                : ROOT + (rest.startsWith("/") ? rest.substring(1) : rest);
        if (rest.isEmpty() || !isFile(name)) {
            RequestGuard.reject(rc.response(), 404, "no asset " + path);
            return;
        }
        String file = name.substring(name.lastIndexOf('/') + 1);
        String mime = MimeMapping.getMimeTypeForFilename(file);
        rc.response().putHeader("content-type", mime == null ? "application/octet-stream" : mime)
                .sendFile(name, ar -> {
                    if (ar.failed()) {
                        RequestGuard.reject(rc.response(), 404, "no asset " + path);
                    }
                });
    }

    /** Whether the class path holds {@code name} as a file (not a directory). */
    static boolean isFile(String name) {
        if (name.endsWith("/")) {
            return false;
        }
        URL url = Assets.class.getClassLoader().getResource(name);
        if (url == null) {
            return false;
        }
        try {
            switch (url.getProtocol()) {
                case "file":
                    return Files.isRegularFile(Path.of(url.toURI()));
                case "jar":
                    URLConnection c = url.openConnection();
                    JarEntry e = c instanceof JarURLConnection j ? j.getJarEntry() : null;
                    return e != null && !e.isDirectory();
                default:
                    return false;
            }
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            return false;
        }
    }
}
