package io.github.landscape4j.store;

import io.github.landscape4j.store.internal.Json;
import io.github.landscape4j.store.internal.RecordTypes;
import io.github.landscape4j.store.internal.StoreWriter;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes a run into a store outside training: its metadata, checkpoints and snapshots, e.g. a landscape computed
 * offline from a stored checkpoint or a model file. The live page and the launcher show it like a recorded run.
 * Records are committed by {@link #close()}.
 */
public final class RunWriter implements AutoCloseable {
    private static final long INITIAL_KEY = -2;
    private static final long FINAL_KEY = -1;

    private final LandscapeStore store;
    private final StoreWriter writer;
    private final AtomicReference<Throwable> fault = new AtomicReference<>();
    private int snapshots;

    private RunWriter(LandscapeStore store, RunInfo info) {
        this.store = store;
        this.writer = new StoreWriter(store.statsStorage(), info.runId(), info.workerId(), java.util.List.of(), 1,
                60_000, 0, fault::set);
        writer.writeRunInfo(() -> Json.GSON.toJson(info));
    }

    /**
     * Begins run {@code info.runId()} in {@code store}; its schema version is set to the layout this writes.
     *
     * @throws IllegalArgumentException when the store already has a run with that id
     */
    public static RunWriter begin(LandscapeStore store, RunInfo info) {
        if (store.findRun(info.runId()).isPresent()) {
            throw new IllegalArgumentException("store " + store.description() + " already has a run "
                    + info.runId());
        }
        return new RunWriter(store, new RunInfo(info.runId(), info.workerId(), info.name(), info.tags(), info.seed(),
                info.startTime(), info.modelClass(), info.modelConfigJson(), info.numParams(), info.tensors(),
                info.listenerConfig(), info.versions(), RecordTypes.SCHEMA_VERSION, info.measures()));
    }

    /** Queues a checkpoint of {@code params} (copied now); an initial or final one replaces the previous. */
    public void checkpoint(long iteration, int epoch, Checkpoint.Kind kind, INDArray params) {
        long key = kind == Checkpoint.Kind.INITIAL ? INITIAL_KEY : kind == Checkpoint.Kind.FINAL ? FINAL_KEY : iteration;
        writer.writeCheckpoint(key, iteration, epoch, kind, params.dup());
    }

    /** Queues a snapshot; its index must be the number of snapshots written before it. */
    public void snapshot(Snapshot s) {
        if (s.index() != snapshots) {
            throw new IllegalArgumentException("snapshot index " + s.index() + ": the next one is " + snapshots);
        }
        writer.writeRecord(RecordTypes.SNAPSHOT, Json.GSON.toJson(s));
        snapshots++;
    }

    /**
     * Writes and commits everything queued.
     *
     * @throws StoreException when the store could not be written
     */
    @Override
    public void close() {
        writer.close();
        Throwable t = fault.get();
        if (t != null || writer.failed()) {
            throw new StoreException("could not write run into store " + store.description() + ": "
                    + (t == null ? "the writer failed" : t.getMessage()), t);
        }
    }
}
