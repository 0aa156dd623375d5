package io.github.landscape4j.listener.internal;

import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.internal.StoreWriter;
import io.github.landscape4j.trajectory.internal.CheckpointKeeper;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Internal: one run's parameter checkpoints, in memory and in the store: the initial one, the periodic ones (thinned
 * by {@link CheckpointKeeper}) and the final one, within a byte budget ({@code checkpointMB}): a model too big for
 * {@code maxCheckpoints + 2} copies keeps fewer periodic ones (one copy of room is left for the write that precedes a
 * thinning), or none, or not even the initial one; the final one is always written. Not thread-safe: its run calls
 * it under the run's lock.
 */
final class RunCheckpoints {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    static final long INITIAL_KEY = -2;
    static final long FINAL_KEY = -1;

    private final StoreWriter writer;
    private final boolean keepInitial;
    private CheckpointKeeper keeper;
    /** Copies of thinned checkpoints, handed back by the writer once written, reused for new ones. */
    private final Queue<INDArray> spare = new ConcurrentLinkedQueue<>();
    private boolean initialTaken;
    private INDArray initialParams;
    private long initialIteration;

    RunCheckpoints(StoreWriter writer, int checkpointEvery, int maxCheckpoints, long numParams, long budgetBytes,
                   String runId) {
        this.writer = writer;
        int periodic = periodicAllowed(maxCheckpoints, numParams, budgetBytes);
        this.keepInitial = budgetBytes / Math.max(1, 4 * numParams) >= 2;
        this.keeper = periodic > 0 ? new CheckpointKeeper(checkpointEvery, periodic) : null;
        if (periodic < maxCheckpoints) {
            LOG.info("landscape4j: run {}: {} parameters ({} MB a checkpoint) within checkpointMB={}: {} periodic"
                    + " checkpoints instead of maxCheckpoints={}{}", runId, numParams,
                    String.format(java.util.Locale.ROOT, "%.1f", 4 * numParams / 1e6),
                    budgetBytes / 1_000_000, periodic, maxCheckpoints, keepInitial ? "" : ", and no initial one");
        }
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
        if (keepInitial) {
            initialIteration = Models.iterationCount(model);
            initialParams = model.params().dup();
            writer.writeCheckpoint(INITIAL_KEY, initialIteration, epoch, Checkpoint.Kind.INITIAL, initialParams);
        }
    }

    /** After an update: a periodic checkpoint when one is due, and those thinned out dropped. */
    void afterIteration(Model model, long iteration, int epoch) {
        if (keeper == null || !keeper.due(iteration)) {
            return;
        }
        INDArray copy = spare.poll(); // a fresh allocation page-faults: ~1 ms for 80k floats on a small VM
        copy = copy == null ? model.params().dup() : copy.assign(model.params());
        writer.writeCheckpoint(iteration, iteration, epoch, Checkpoint.Kind.PERIODIC, copy);
        for (CheckpointKeeper.Kept dropped : keeper.add(new CheckpointKeeper.Kept(iteration, epoch, copy))) {
            writer.dropCheckpoint(dropped.iteration());
            writer.release(dropped.params(), spare::add);
        }
    }

    /** Rewrites the final checkpoint. */
    void writeFinal(INDArray params, long iteration, int epoch) {
        writer.dropCheckpoint(FINAL_KEY);
        writer.writeCheckpoint(FINAL_KEY, iteration, epoch, Checkpoint.Kind.FINAL, params.dup());
    }

    /** The kept periodic checkpoints, oldest first. */
    List<CheckpointKeeper.Kept> kept() {
        return keeper == null ? List.of() : keeper.kept();
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
                initialParams);
    }

    /** Drops the copies: the run has ended. */
    void release() {
        keeper = null;
        initialParams = null;
        spare.clear();
    }
}
