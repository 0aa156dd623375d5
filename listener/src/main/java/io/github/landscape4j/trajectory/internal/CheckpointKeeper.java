package io.github.landscape4j.trajectory.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Internal: the thinning policy of periodic checkpoints. A checkpoint is due at every positive multiple of the
 * current interval (initially {@code checkpointEvery}). When more than {@code max} are kept, every one whose
 * iteration is not a multiple of twice the interval is dropped and the interval doubles, so the kept set stays
 * evenly spaced over the whole run and never holds more than {@code max} copies. Not thread-safe.
 */
public final class CheckpointKeeper {

    /** A kept checkpoint: parameters after the update of {@code iteration}. */
    public record Kept(long iteration, int epoch, INDArray params) {
    }

    private final int max;
    private long interval;
    private final List<Kept> kept = new ArrayList<>();

    public CheckpointKeeper(int checkpointEvery, int max) {
        this.interval = checkpointEvery;
        this.max = max;
    }

    /** Whether a periodic checkpoint is due after this iteration. */
    public boolean due(long iteration) {
        return iteration > 0 && iteration % interval == 0;
    }

    /** Keeps a checkpoint and returns those dropped to stay within the budget (possibly none). */
    public List<Kept> add(Kept checkpoint) {
        kept.add(checkpoint);
        if (kept.size() <= max) {
            return List.of();
        }
        long doubled = interval * 2;
        List<Kept> dropped = new ArrayList<>();
        kept.removeIf(k -> {
            boolean drop = k.iteration() % doubled != 0;
            if (drop) {
                dropped.add(k);
            }
            return drop;
        });
        interval = doubled;
        return dropped;
    }

    /** Current interval between periodic checkpoints. */
    public long interval() {
        return interval;
    }

    /** The kept checkpoints, oldest first. */
    public List<Kept> kept() {
        return Collections.unmodifiableList(kept);
    }
}
