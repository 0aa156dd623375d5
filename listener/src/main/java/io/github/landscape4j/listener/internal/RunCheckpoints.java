package io.github.landscape4j.listener.internal;

import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.internal.StoreWriter;
import io.github.landscape4j.trajectory.internal.CheckpointKeeper;
import io.github.landscape4j.trajectory.internal.TrajectorySketch;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Internal: one run's parameter checkpoints, in memory and in the store: the initial one, the periodic ones (thinned
 * by {@link CheckpointKeeper}) and the final one, within a byte budget ({@code checkpointMB}): a model too big for
 * {@code maxCheckpoints + 2} copies keeps fewer periodic ones (one copy of room is left for the write that precedes a
 * thinning), or none, or not even the initial one; the final one is always written. When fewer than two periodic
 * ones fit (no PCA plane from them), a {@link TrajectorySketch} of the periodic checkpoints stands in for them: each
 * is copied on the training thread as a periodic checkpoint would be, and taken into the sketch on the writer's
 * thread, in order, at most {@link #IN_FLIGHT} copies at a time. Not thread-safe: its run calls it under the run's
 * lock.
 */
final class RunCheckpoints {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    static final long INITIAL_KEY = -2;
    static final long FINAL_KEY = -1;
    /** Sketch rows at most: a shrink costs ℓ² products of the parameter count. */
    static final int MAX_SKETCH_ROWS = 32;
    /** Copies on their way to the sketch at most; a checkpoint due while they are all busy is left out. */
    static final int IN_FLIGHT = 2;

    private final StoreWriter writer;
    private final boolean keepInitial;
    private CheckpointKeeper keeper;
    /** Copies of thinned checkpoints, handed back by the writer once written, reused for new ones. */
    private final Queue<INDArray> spare = new ConcurrentLinkedQueue<>();
    /** Periodic checkpoints the keeper holds at most (0 with a sketch); a spare is made ahead (see prepareSpare). */
    private final int periodic;
    /** Whether the writer's thread is making a spare copy. */
    private final AtomicBoolean preparing = new AtomicBoolean();
    private boolean initialTaken;
    private INDArray initialParams;
    private long initialIteration;
    private final int checkpointEvery;
    /** Rows of the trajectory sketch, 0 when the periodic checkpoints themselves are kept. */
    private final int sketchRows;
    private final FaultGuard sketchGuard;
    private TrajectorySketch sketch;
    private final AtomicInteger sketchCopies = new AtomicInteger();
    /** Checkpoints handed to the writer that the sketch has not taken in yet. */
    private final AtomicInteger sketchQueued = new AtomicInteger();
    private boolean sketchSkipLogged;
    private final String runId;
    /** The model's own parameter buffer (not a copy): the final checkpoint once the model is gone. */
    private INDArray live;
    /** When an epoch end last wrote the final checkpoint (0: never). */
    private long lastEpochEndNanos;

    RunCheckpoints(StoreWriter writer, int checkpointEvery, int maxCheckpoints, long numParams, long budgetBytes,
                   String runId) {
        this.writer = writer;
        int periodic = periodicAllowed(maxCheckpoints, numParams, budgetBytes);
        this.keepInitial = budgetBytes / Math.max(1, 4 * numParams) >= 2;
        this.checkpointEvery = checkpointEvery;
        this.runId = runId;
        this.sketchRows = periodic < 2 ? sketchRows(numParams, budgetBytes) : 0;
        this.periodic = sketchRows > 0 ? 0 : periodic;
        this.sketchGuard = new FaultGuard(runId, "the trajectory sketch");
        // with a sketch, the keeper only paces and thins the path: its checkpoints hold no parameters
        this.keeper = sketchRows > 0 ? new CheckpointKeeper(checkpointEvery, maxCheckpoints)
                : periodic > 0 ? new CheckpointKeeper(checkpointEvery, periodic) : null;
        if (periodic < maxCheckpoints) {
            LOG.info("landscape4j: run {}: {} parameters ({} MB a checkpoint) within checkpointMB={}: {}{}", runId,
                    numParams, String.format(java.util.Locale.ROOT, "%.1f", 4 * numParams / 1e6),
                    budgetBytes / 1_000_000, sketchRows > 0 ? "no periodic checkpoints but a Frequent Directions"
                            + " sketch of " + sketchRows + " rows for the PCA plane (" + String.format(
                            java.util.Locale.ROOT, "%.1f", 4.0 * numParams * (sketchRows + 2) / 1e6) + " MB in memory)"
                            : periodic + " periodic checkpoints instead of maxCheckpoints=" + maxCheckpoints,
                    keepInitial ? "" : ", and no initial one");
        }
    }

    /**
     * Rows of the sketch: as many as fit the budget with the mean and the initial parameters ({@code ℓ + 2}
     * vectors), at least 3 (two centred directions) and at most {@link #MAX_SKETCH_ROWS}.
     */
    static int sketchRows(long numParams, long budgetBytes) {
        long copies = budgetBytes / Math.max(1, 4 * numParams);
        return (int) Math.max(3, Math.min(MAX_SKETCH_ROWS, copies - 2));
    }

    /** How many periodic checkpoints are kept at most (0: none). */
    static int periodicAllowed(int maxCheckpoints, long numParams, long budgetBytes) {
        long copies = budgetBytes / Math.max(1, 4 * numParams); // checkpoints are 32-bit floats
        return (int) Math.max(0, Math.min(maxCheckpoints, copies - 3));
    }

    /** Whether the initial checkpoint was taken (or would have been, without the budget). */
    boolean started() {
        return initialTaken;
    }

    /** Before the first update: the initial checkpoint. */
    void initial(Model model, int epoch) {
        if (initialTaken) {
            return;
        }
        initialTaken = true;
        initialIteration = Models.iterationCount(model);
        if (keepInitial) {
            initialParams = model.params().dup();
            writer.writeCheckpoint(INITIAL_KEY, initialIteration, epoch, Checkpoint.Kind.INITIAL, initialParams);
            prepareSpare(initialParams);
        }
        if (sketchRows > 0) {
            INDArray start = initialParams != null ? initialParams : model.params().dup();
            sketchGuard.run("starting it", () -> sketch = new TrajectorySketch(start, sketchRows, initialIteration));
        }
    }

    /** After an update: a periodic checkpoint when one is due, and those thinned out dropped. */
    void afterIteration(Model model, long iteration, int epoch) {
        if (keeper == null || !keeper.due(iteration)) {
            return;
        }
        if (sketchRows > 0) {
            toSketch(model, iteration, epoch);
            return;
        }
        INDArray copy = spare.poll(); // a fresh allocation page-faults: ~1 ms for 80k floats on a small VM
        copy = copy == null ? model.params().dup() : fill(copy, model.params());
        writer.writeCheckpoint(iteration, iteration, epoch, Checkpoint.Kind.PERIODIC, copy);
        List<CheckpointKeeper.Kept> thinned = keeper.add(new CheckpointKeeper.Kept(iteration, epoch, copy));
        for (CheckpointKeeper.Kept dropped : thinned) {
            writer.dropCheckpoint(dropped.iteration());
            writer.release(dropped.params(), spare::add);
        }
        if (thinned.isEmpty()) { // after a thinning, the dropped copies are the spares
            prepareSpare(copy);
        }
    }

    /**
     * Copies {@code params} into a ready array of the same size: one memcpy on the CPU backend, as ND4J's
     * {@code assign} is an op that waits for DL4J's OpenMP threads (0.2-5 ms measured in the middle of training on a
     * 2-core VM, against ~40 µs in isolation). Anything but two whole contiguous buffers goes through {@code assign}.
     */
    static INDArray fill(INDArray copy, INDArray params) {
        long n = params.length();
        if (Nd4j.getEnvironment().isCPU() && copy.length() == n && copy.dataType() == params.dataType()
                && copy.offset() == 0 && params.offset() == 0 && copy.data().length() == n
                && params.data().length() == n && copy.elementWiseStride() == 1 && params.elementWiseStride() == 1) {
            Nd4j.getMemoryManager().memcpy(copy.data(), params.data());
            return copy;
        }
        return copy.assign(params);
    }

    /**
     * Has the writer's thread make the copy the next periodic checkpoint fills: a fresh array page-faults on first
     * touch, ~1 ms for 80k floats on the training thread of a small VM (27 ms measured once, at the checkpoint that
     * first thins a full keeper), where filling a ready one is one memcpy ({@link #fill}). Also when the keeper is
     * full: its next checkpoint needs a copy before the thinning frees any, as many copies as the fresh one it would
     * otherwise allocate (the budget counts it). Once the keeper thins, the copies it drops are the spares.
     */
    private void prepareSpare(INDArray like) {
        if (keeper == null || periodic == 0 || !spare.isEmpty()
                || !preparing.compareAndSet(false, true)) {
            return;
        }
        DataType type = like.dataType();
        long[] shape = like.shape();
        char order = like.ordering();
        writer.runAfterQueued(() -> {
            try {
                spare.add(Nd4j.create(type, shape, order)); // zero-filled: its pages are touched here
            } finally {
                preparing.set(false);
            }
        });
    }

    /** A due checkpoint into the sketch, on the writer's thread after what is queued before it. */
    private void toSketch(Model model, long iteration, int epoch) {
        TrajectorySketch s = sketch;
        if (s == null || sketchGuard.tripped()) {
            return;
        }
        INDArray copy = spare.poll();
        if (copy == null && sketchCopies.get() >= IN_FLIGHT) {
            if (!sketchSkipLogged) {
                sketchSkipLogged = true;
                LOG.info("landscape4j: run {}: the trajectory sketch is behind: the checkpoint of iteration {} is"
                        + " left out of it (said once per run)", runId, iteration);
            }
            return;
        }
        if (copy == null) {
            sketchCopies.incrementAndGet();
            copy = model.params().dup();
        } else {
            fill(copy, model.params());
        }
        double weight = (double) keeper.interval() / checkpointEvery; // the intervals this checkpoint stands for
        List<Long> forget = keeper.add(new CheckpointKeeper.Kept(iteration, epoch, null)).stream()
                .map(CheckpointKeeper.Kept::iteration).toList();
        sketchQueued.incrementAndGet();
        writer.release(copy, c -> {
            sketchGuard.run("taking in the checkpoint of iteration " + iteration, () -> s.add(c, iteration, weight,
                    forget));
            sketchQueued.decrementAndGet();
            spare.add(c);
        });
    }

    /**
     * Before a snapshot reads the trajectory: when checkpoints still wait on the writer's queue to enter the sketch,
     * waits for the writer to take them in (bounded), so the PCA plane has the path up to the snapshot (on a busy
     * machine the writer may still be opening the store while the first snapshots come due).
     */
    void awaitSketch() {
        if (sketch != null && !sketchGuard.tripped() && sketchQueued.get() > 0) {
            writer.flush();
        }
    }

    /** Rewrites the final checkpoint. */
    void writeFinal(INDArray params, long iteration, int epoch) {
        writer.dropCheckpoint(FINAL_KEY);
        writer.writeCheckpoint(FINAL_KEY, iteration, epoch, Checkpoint.Kind.FINAL, params.dup());
    }

    /** The model's parameter buffer as of its last callback: the final checkpoint if the model is collected. */
    void live(INDArray params) {
        live = params;
    }

    /**
     * At an epoch end: rewrites the final checkpoint, at most once per {@code commitMillis} (programs with tiny epochs
     * of a few iterations would otherwise rewrite it, and wait for a commit, every few milliseconds, as for the
     * scalars); whether it did, and a commit is due.
     */
    boolean epochEnd(INDArray params, long iteration, int epoch, long commitMillis) {
        live = params;
        long now = System.nanoTime();
        if (lastEpochEndNanos != 0 && now - lastEpochEndNanos < commitMillis * 1_000_000L) {
            return false;
        }
        lastEpochEndNanos = now;
        writeFinal(params, iteration, epoch);
        return true;
    }

    /** As the run ends: the final checkpoint, from {@code model} or, once it is gone (null), from its last buffer. */
    void end(Model model, long iteration, int epoch) {
        INDArray params = model != null ? model.params() : live;
        if (initialTaken && params != null) {
            writeFinal(params, iteration, epoch);
        }
    }

    /** The copies ready for the next periodic checkpoints (for tests). */
    Queue<INDArray> spares() {
        return spare;
    }

    /** The kept periodic checkpoints, oldest first. */
    List<CheckpointKeeper.Kept> kept() {
        return keeper == null || sketchRows > 0 ? List.of() : keeper.kept();
    }

    /** The trajectory so far: the initial parameters (when kept), then the periodic checkpoints. */
    RunSnapshots.Trajectory trajectory() {
        List<INDArray> path = new ArrayList<>();
        List<Long> iterations = new ArrayList<>();
        if (initialParams != null) {
            path.add(initialParams);
            iterations.add(initialIteration);
        }
        for (CheckpointKeeper.Kept k : kept()) {
            path.add(k.params());
            iterations.add(k.iteration());
        }
        return new RunSnapshots.Trajectory(path, iterations.stream().mapToLong(Long::longValue).toArray(),
                initialParams, sketchGuard.tripped() ? null : sketch);
    }

    /** Drops the copies: the run has ended. */
    void release() {
        live = null;
        keeper = null;
        initialParams = null;
        sketch = null;
        spare.clear();
    }
}
