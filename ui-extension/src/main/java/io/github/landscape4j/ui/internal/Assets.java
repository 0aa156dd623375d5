package io.github.landscape4j.ui.internal;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.impl.MimeMapping;
import io.vertx.ext.web.RoutingContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * Internal: DL4J's {@code /assets/*} route with the same mapping (class-path files under
 * {@code deeplearning4jUiAssets/}, WebJars under {@code META-INF/resources/} when the path names {@code webjars}),
 * answering 404 at once for anything that is not a regular file: DL4J's own route never answers for a directory or
 * a missing file, holding the connection. Text assets go gzipped to browsers that accept it (made once, off the event
 * loop), and WebJars' versioned files are cached by the browser for a year.
 */
final class Assets implements Handler<RoutingContext> {
    private static final String ASSETS = "/assets/";
    private static final String ROOT = "deeplearning4jUiAssets/";
    /** Text assets sent gzipped to browsers that take it. */
    private static final Pattern COMPRESSED = Pattern.compile(".*\\.(js|css|html|json|svg)$");
    private static final Map<String, byte[]> GZIPPED = new ConcurrentHashMap<>();

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
        rc.response().putHeader("content-type", mime == null ? "application/octet-stream" : mime);
        if (name.startsWith("META-INF/resources/webjars/")) { // a versioned path: its bytes never change
            rc.response().putHeader("cache-control", "public, max-age=31536000, immutable");
        }
        String accepts = rc.request().getHeader("accept-encoding");
        if (COMPRESSED.matcher(file).matches() && accepts != null && accepts.contains("gzip")) {
            rc.vertx().<byte[]>executeBlocking(p -> p.complete(gzipped(name)), false, done -> {
                if (done.succeeded() && done.result() != null) {
                    rc.response().putHeader("content-encoding", "gzip").putHeader("vary", "accept-encoding")
                            .end(Buffer.buffer(done.result()));
                } else {
                    RequestGuard.reject(rc.response(), 404, "no asset " + path);
                }
            });
            return;
        }
        rc.response().sendFile(name, ar -> {
            if (ar.failed()) {
                RequestGuard.reject(rc.response(), 404, "no asset " + path);
            }
        });
    }

    /**
     * The asset gzipped, made once and kept (plotly.js is served as its 11 MB unminified build, the only one on Maven
     * Central: about 3 MB gzipped); null when it cannot be read.
     */
    private static byte[] gzipped(String name) {
        return GZIPPED.computeIfAbsent(name, n -> {
            try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(n)) {
                if (in == null) {
                    return null;
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
                    in.transferTo(gz);
                }
                return out.toByteArray();
            } catch (IOException e) {
                return null;
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
