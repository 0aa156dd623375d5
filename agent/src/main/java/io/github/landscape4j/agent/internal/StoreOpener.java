package io.github.landscape4j.agent.internal;

import io.github.landscape4j.store.LandscapeStore;

import java.nio.file.Path;

/**
 * Internal: the agent's one store, opened on first use and shared by every model's listener. Listeners take it
 * as an opener ({@link #store()}): the first run's writer thread opens it, so neither {@code premain} nor the
 * training thread waits for MapDB (opening a file loads ~700 classes, ~1 s here). A store that cannot be opened is
 * reported once and turns the agent off for models seen later.
 */
final class StoreOpener {

    private static LandscapeStore store; // guarded by StoreOpener.class
    private static RuntimeException failure; // guarded by StoreOpener.class

    private StoreOpener() {
    }

    /** The store, opening it on the first call; closed at JVM exit after every listener (ShutdownOrder). */
    static synchronized LandscapeStore store() {
        if (store == null && failure == null) {
            Path file = AgentOptions.installed().store();
            try {
                store = LandscapeStore.open(file);
            } catch (RuntimeException e) {
                failure = e;
                Faults.report("opening the store " + file.toAbsolutePath(), e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return store;
    }
}
