package io.github.landscape4j.ui;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.StoreException;

import org.deeplearning4j.ui.api.UIServer;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Offline launcher: opens one or more store files and serves the Landscape page over them until the process is
 * stopped.
 *
 * <pre>
 * java -cp ... io.github.landscape4j.ui.LandscapeUiMain --store runs/a.db --store runs/b.db [--port 9000] [--host 127.0.0.1]
 * java -cp ... io.github.landscape4j.ui.LandscapeUiMain --remote true [--port 9000] [--host 0.0.0.0]
 * </pre>
 *
 * With {@code --remote true} the server also receives records that training JVMs post with DL4J's
 * {@code RemoteUIStatsStorageRouter} (DL4J's remote listener), kept in memory and shown live; remote training from
 * other machines needs {@code --host} set to an address they can reach.
 *
 * A missing or corrupt store ends the program with one message naming the file (exit status 2); so do bad
 * arguments.
 */
public final class LandscapeUiMain {
    private LandscapeUiMain() {
    }

    public static void main(String[] args) {
        System.setProperty(LandscapeUi.KEEP_SERVING_PROPERTY, "true"); // serving is all this program does
        try {
            run(args);
        } catch (IllegalArgumentException | StoreException e) {
            System.err.println("landscape4j UI: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Opens the stores and starts the server; returns the handles (the server keeps the JVM running). */
    static List<LandscapeUi.Handle> run(String[] args) {
        List<Path> stores = new ArrayList<>();
        int port = 9000;
        boolean remote = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!List.of("--store", "--port", "--host", "--remote").contains(a)) {
                throw new IllegalArgumentException("unknown argument '" + a + "'; " + USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("argument " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--store" -> stores.add(Path.of(v));
                case "--port" -> port = port(v);
                case "--remote" -> remote = bool(v);
                default -> System.setProperty(LandscapeUi.HOST_PROPERTY, v);
            }
        }
        if (stores.isEmpty() && !remote) {
            throw new IllegalArgumentException("no store given; " + USAGE);
        }
        List<LandscapeStore> opened = new ArrayList<>();
        try {
            for (Path p : stores) {
                opened.add(open(p));
            }
        } catch (StoreException e) {
            opened.forEach(LandscapeStore::close);
            throw e;
        }
        List<LandscapeUi.Handle> handles = new ArrayList<>();
        for (LandscapeStore s : opened) {
            handles.add(LandscapeUi.start(port, s.statsStorage()));
            System.out.println("landscape4j: serving " + s.description() + " (" + s.listRuns().size() + " runs)");
        }
        if (remote) {
            InMemoryStatsStorage received = new InMemoryStatsStorage();
            handles.add(LandscapeUi.start(port, received));
            UIServer.getInstance().enableRemoteListener(received, false);
            System.out.println("landscape4j: receiving remote training at " + handles.get(0).url()
                    .replace(LandscapeUi.PAGE_PATH, "") + " (RemoteUIStatsStorageRouter)");
        }
        return handles;
    }

    /** How long a store that another process is writing is retried until it reads consistently. */
    static final long LIVE_PATIENCE_MILLIS = 10_000;

    /**
     * Opens a store read-only; whatever goes wrong is one StoreException naming the file. A read-only open refuses a
     * file caught in the middle of a commit (its header or index is being rewritten); when the file changed (size or
     * modification time) during a refused attempt, another process is writing it, and the open is retried until a
     * consistent state is read (at most {@link #LIVE_PATIENCE_MILLIS}). A file that did not change is refused at
     * once: its damage is real.
     */
    static LandscapeStore open(Path p) {
        long deadline = System.nanoTime() + LIVE_PATIENCE_MILLIS * 1_000_000;
        while (true) {
            String before = state(p);
            try {
                return LandscapeStore.openExisting(p);
            } catch (StoreException e) {
                if (before.equals(state(p)) || System.nanoTime() > deadline) {
                    throw e;
                }
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                throw new StoreException("cannot open store file " + p.toAbsolutePath() + ": " + e, e);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while opening the live store file " + p.toAbsolutePath());
            }
        }
    }

    /** The file's size and modification time (empty when they cannot be read). */
    private static String state(Path p) {
        try {
            java.nio.file.attribute.BasicFileAttributes a = java.nio.file.Files.readAttributes(p,
                    java.nio.file.attribute.BasicFileAttributes.class);
            return a.size() + "@" + a.lastModifiedTime().toMillis() + "." + a.lastModifiedTime().toInstant().getNano();
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    private static final String USAGE = "usage: --store PATH (repeatable) [--remote true] [--port N]"
            + " [--host ADDRESS]";

    private static boolean bool(String v) {
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException("--remote " + v + ": must be true or false");
    }

    private static int port(String v) {
        try {
            int p = Integer.parseInt(v);
            if (p >= 0 && p <= 65_535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--port " + v + ": must be 0 (any free port) or 1..65535");
    }
}
