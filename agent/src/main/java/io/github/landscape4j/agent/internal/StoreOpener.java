package io.github.landscape4j.agent.internal;

import io.github.landscape4j.store.LandscapeStore;

import java.util.concurrent.CompletableFuture;

/**
 * Internal: opens the agent's one store on a background thread, started when DL4J loads its first model class, and
 * loads the listener's classes and DL4J's JSON serialization ({@link JsonWarmup}) there too; {@link Attacher} waits for it at the first model's {@code init}. Opening
 * a MapDB file loads ~700 classes; on the main thread that delayed the first iteration. No lambdas here: this
 * starts inside a class file transformer.
 */
final class StoreOpener extends Thread {

    private static final CompletableFuture<LandscapeStore> STORE = new CompletableFuture<>();
    private static boolean started; // guarded by StoreOpener.class

    private final AgentOptions options;

    private StoreOpener(AgentOptions options) {
        super("landscape4j-agent-store");
        setDaemon(true);
        this.options = options;
    }

    static synchronized void start(AgentOptions options) {
        if (!started) {
            started = true;
            new StoreOpener(options).start();
        }
    }

    /** The open store, waiting for it; throws what opening it threw. */
    static LandscapeStore store() {
        return STORE.join();
    }


    @Override
    public void run() {
        try {
            LandscapeStore store = LandscapeStore.open(options.store());
            // closed at JVM exit after every listener by the listener module's ShutdownOrder
            STORE.complete(store);
        } catch (Throwable t) {
            STORE.completeExceptionally(t);
            return;
        }
        preload();
    }

    /** Loads and links the listener's classes off the training thread; a failure here shows up later, in place. */
    private static void preload() {
        try {
            JsonWarmup.run();
        } catch (Throwable t) {
            // only a warm-up: the listener serializes the real configuration itself
        }
        for (String name : new String[]{"io.github.landscape4j.listener.LandscapeListener",
                "io.github.landscape4j.listener.internal.RunRecorder",
                "io.github.landscape4j.store.internal.StoreWriter",
                "io.github.landscape4j.trajectory.internal.NormRecorder",
                "io.github.landscape4j.trajectory.internal.CheckpointKeeper"}) {
            try {
                Class.forName(name, true, StoreOpener.class.getClassLoader());
            } catch (Throwable t) {
                return;
            }
        }
    }

}
