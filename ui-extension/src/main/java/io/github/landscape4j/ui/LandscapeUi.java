package io.github.landscape4j.ui;

import io.github.landscape4j.ui.internal.LocalhostUiServer;
import io.github.landscape4j.ui.internal.ServerOptions;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.ui.VertxUIServer;
import org.deeplearning4j.ui.api.UIServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * Starts (or reuses) DL4J's UI server with the Landscape page and attaches a storage to it:
 *
 * <pre>{@code
 * LandscapeUi.Handle ui = LandscapeUi.start(9000, store.statsStorage());   // prints http://localhost:9000/landscape
 * }</pre>
 *
 * <p>The server binds to {@code 127.0.0.1} unless the system property {@code landscape4j.ui.host} names another
 * address (e.g. {@code 0.0.0.0} for every interface). DL4J allows one UI server per JVM: when one is already running
 * (started by DL4J's {@code UIServer.getInstance()} or an earlier call), it is reused whatever its port. A server
 * that DL4J's {@code UIServer.getInstance()} started is reused as it is: it listens on every interface, has none of
 * the limits below and keeps the JVM running until {@code UIServer.stopInstance()}. The server is DL4J's: it also
 * serves DL4J's {@code /train} pages and stops with {@code UIServer.stopInstance()} or at JVM exit.
 *
 * <p><b>Exit.</b> A server this class starts stops by itself once the program's own threads have ended (its
 * {@code main} returned and no other non-daemon thread of the program runs), so the JVM exits with the program's
 * status. To keep serving after that, set {@value #KEEP_SERVING_PROPERTY}{@code =true}, or keep a thread of the
 * program waiting. (Threads of any Vert.x instance count as the server's, as Vert.x 3.9 does not say which
 * instance a thread belongs to.)
 *
 * <p><b>Limits</b> of a server this class starts, set as system properties before it starts:
 * <ul>
 *   <li>{@value #MAX_BODY_PROPERTY}: largest request body, in bytes ({@code k}/{@code m} suffixes for KiB/MiB),
 *       default 1 MiB; larger ones get 413;</li>
 *   <li>{@value #MAX_REMOTE_BODY_PROPERTY}: the same for DL4J's {@code /remoteReceive} (records posted by
 *       {@code RemoteUIStatsStorageRouter}), default 16 MiB;</li>
 *   <li>{@value #ALLOWED_HOSTS_PROPERTY}: {@code Host} header values accepted besides {@code localhost},
 *       {@code 127.0.0.1}, {@code [::1]} and the bound address (comma-separated names, each with an optional
 *       {@code :port}; {@code *} for any); others get 403, which defeats DNS rebinding.</li>
 * </ul>
 * Multipart bodies get 415 (no upload is written to disk), directories under {@code /assets/} get 404, DL4J's t-SNE
 * upload routes ({@code /tsne/upload}, {@code /tsne/post/:sid}) get 404, and DL4J's GETs that change the server's
 * state ({@code /setlang/...}, {@code /train/sessions/set/...}, {@code /train/workers/setByIdx/...}) and every
 * request other than GET or HEAD get 403 when a browser sends them from a page of another site.
 *
 * <p>Thread-safe.
 */
public final class LandscapeUi {
    /** System property naming the address to bind; default {@value #DEFAULT_HOST}. */
    public static final String HOST_PROPERTY = "landscape4j.ui.host";
    /** The default bind address: this machine only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** System property: keep serving after the program's own threads end; default {@code false}. */
    public static final String KEEP_SERVING_PROPERTY = ServerOptions.KEEP_SERVING;
    /** System property: largest request body in bytes; default 1 MiB. */
    public static final String MAX_BODY_PROPERTY = ServerOptions.MAX_BODY;
    /** System property: largest request body on {@code /remoteReceive} in bytes; default 16 MiB. */
    public static final String MAX_REMOTE_BODY_PROPERTY = ServerOptions.MAX_REMOTE_BODY;
    /** System property: extra accepted {@code Host} header values, comma-separated; default none. */
    public static final String ALLOWED_HOSTS_PROPERTY = ServerOptions.ALLOWED_HOSTS;
    /** Path of the page on the server. */
    public static final String PAGE_PATH = "/landscape";

    private static final Logger log = LoggerFactory.getLogger(LandscapeUi.class);
    private static final Object LOCK = new Object();
    private static String announced;

    private LandscapeUi() {
    }

    /**
     * Starts DL4J's UI server on {@code port} (0: any free port) or reuses the running one, attaches
     * {@code storage}, and prints the page's URL the first time it is known.
     *
     * @param port    1..65535, or 0 for any free port
     * @param storage the storage to show; {@link Handle#close()} detaches it
     * @return a handle; closing it detaches the storage and leaves the server running
     * @throws IllegalArgumentException naming the port when it is out of range, or each bad server option
     * @throws org.deeplearning4j.exception.DL4JException naming the address when the server cannot listen there
     */
    public static Handle start(int port, StatsStorage storage) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("landscape4j UI port " + port + ": must be 0 (any free port) or"
                    + " 1..65535");
        }
        Objects.requireNonNull(storage, "storage");
        UIServer server;
        synchronized (LOCK) {
            VertxUIServer running = VertxUIServer.getInstance();
            if (running != null && !running.isStopped()) {
                server = running;
                if (port != 0 && running.getPort() != port) {
                    log.warn("landscape4j UI: a DL4J UI server already runs in this JVM on port {}; using it instead"
                            + " of port {}", running.getPort(), port);
                }
            } else {
                server = LocalhostUiServer.start(System.getProperty(HOST_PROPERTY, DEFAULT_HOST), port);
            }
            server.attach(storage);
            String url = server.getAddress() + PAGE_PATH;
            if (!url.equals(announced)) {
                announced = url;
                System.out.println("landscape4j: live page at " + url);
                log.info("landscape4j: live page at {}", url);
            }
            return new Handle(server, storage, url);
        }
    }

    /** The page's URL on the DL4J UI server running in this JVM, if one runs. */
    public static java.util.Optional<String> url() {
        VertxUIServer running = VertxUIServer.getInstance();
        return running == null || running.isStopped() ? java.util.Optional.empty()
                : java.util.Optional.of(running.getAddress() + PAGE_PATH);
    }

    /**
     * A storage shown on the UI server. {@link #close()} detaches it (idempotent, never throws: an error reading a
     * damaged store while detaching is logged); the server keeps running.
     */
    public static final class Handle implements AutoCloseable {
        private final UIServer server;
        private final StatsStorage storage;
        private final String url;
        private volatile boolean closed;

        private Handle(UIServer server, StatsStorage storage, String url) {
            this.server = server;
            this.storage = storage;
            this.url = url;
        }

        /** The page's URL, e.g. {@code http://127.0.0.1:9000/landscape}. */
        public String url() {
            return url;
        }

        /** The port the server listens on. */
        public int port() {
            return server.getPort();
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (!server.isStopped()) {
                try {
                    server.detach(storage); // DL4J lists the storage's sessions here: a damaged store throws
                } catch (RuntimeException e) {
                    log.warn("landscape4j UI: detached {} after an error reading it: {}", storage, e.toString());
                }
            }
        }
    }
}
