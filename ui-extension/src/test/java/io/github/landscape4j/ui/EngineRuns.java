package io.github.landscape4j.ui;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.RunWriter;
import io.github.landscape4j.store.Snapshot;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Snapshots an engine took, written as one run of a new store file, for the page tests. */
final class EngineRuns {

    private EngineRuns() {
    }

    /** Writes {@code snapshots} of {@code engine}'s model as run {@code name-<nanos>} into {@code file}; its id. */
    static String write(Path file, String name, LandscapeEngine engine, long numParams, Snapshot... snapshots) {
        String runId = name + "-" + System.nanoTime();
        try (LandscapeStore store = LandscapeStore.open(file);
             RunWriter w = RunWriter.begin(store, new RunInfo(runId, "w0", name, List.of(), 42, Instant.now(),
                     engine.modelClass(), engine.modelConfigJson(), numParams, engine.tensors(), Map.of(),
                     Map.of(), 0, engine.measures()))) {
            for (Snapshot s : snapshots) {
                w.snapshot(s);
            }
        }
        return runId;
    }
}
