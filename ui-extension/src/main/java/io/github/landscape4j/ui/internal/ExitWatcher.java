package io.github.landscape4j.ui.internal;

import io.vertx.core.impl.VertxThread;
import org.deeplearning4j.ui.VertxUIServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * Internal: stops the UI server once the program's own threads have ended, so that the server does not keep the
 * JVM alive after {@code main} returns. Vert.x 3.9 (DL4J's) makes every thread it creates non-daemon and offers no
 * thread factory, so the server cannot run on daemon threads; instead this daemon thread looks every
 * {@link #PERIOD_MS} ms for a live non-daemon thread that is not Vert.x's (the JVM's {@code DestroyJavaVM}, which
 * waits for the others, does not count). When there is none left, the program is over: the server is stopped, its
 * threads end and the JVM exits with the program's own status.
 */
final class ExitWatcher implements Runnable {
    static final long PERIOD_MS = 200;
    private static final Logger log = LoggerFactory.getLogger(ExitWatcher.class);
    private final VertxUIServer server;

    private ExitWatcher(VertxUIServer server) {
        this.server = server;
    }

    static void watch(VertxUIServer server) {
        Thread t = new Thread(new ExitWatcher(server), "landscape4j-ui-exit-watcher");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        try {
            while (!server.isStopped()) {
                Thread.sleep(PERIOD_MS);
                if (!server.isStopped() && programEnded()) {
                    log.info("landscape4j UI: the program's threads have ended; stopping the UI server so that the"
                            + " JVM can exit (-D{}=true keeps it serving)", ServerOptions.KEEP_SERVING);
                    stop();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stop() throws InterruptedException {
        try {
            if (VertxUIServer.getInstance() == server) {
                VertxUIServer.stopInstance(); // also forgets the instance, as UIServer.stopInstance() does
            } else {
                server.stop();
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            log.warn("landscape4j UI: could not stop the UI server at the end of the program ({}); the JVM may not"
                    + " exit by itself", e.toString());
        }
    }

    /** No live non-daemon thread but Vert.x's and {@code DestroyJavaVM}. */
    static boolean programEnded() {
        for (Thread t : allThreads()) {
            if (t != null && t.isAlive() && !t.isDaemon() && !(t instanceof VertxThread)
                    && !t.getName().equals("DestroyJavaVM")) {
                return false;
            }
        }
        return true;
    }

    private static Thread[] allThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int n;
        while ((n = root.enumerate(threads, true)) == threads.length) {
            threads = new Thread[threads.length * 2];
        }
        return Arrays.copyOf(threads, n);
    }
}
