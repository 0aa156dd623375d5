package io.github.landscape4j.ui;

import io.github.landscape4j.ui.internal.LocalhostUiServer;
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
 * (started by DL4J's {@code UIServer.getInstance()} or an earlier call), it is reused whatever its port, and DL4J's
 * own server listens on every interface. The server is DL4J's: it also serves DL4J's {@code /train} pages and stops
 * with {@code UIServer.stopInstance()} or at JVM exit.
 *
 * <p>Thread-safe.
 */
public final class LandscapeUi {
    /** System property naming the address to bind; default {@value #DEFAULT_HOST}. */
    public static final String HOST_PROPERTY = "landscape4j.ui.host";
    /** The default bind address: this machine only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
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
     * @throws IllegalArgumentException naming the port when it is out of range
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

    /** A storage shown on the UI server. {@link #close()} detaches it (idempotent); the server keeps running. */
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
                server.detach(storage);
            }
        }
    }
}
