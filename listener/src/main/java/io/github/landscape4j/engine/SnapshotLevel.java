package io.github.landscape4j.engine;

import java.util.HashSet;
import java.util.Set;

/**
 * How much of a snapshot is computed. {@link #FULL} is every option as given; the others are cheaper versions the
 * budget schedule takes when the full one does not fit yet (a run's first snapshots, a model whose full snapshot
 * costs minutes), so a run shows its landscape early and refines it as the budget allows. A reduced level caps the
 * grid, the probe (a seeded random subsample of the probe, so its losses carry the subsample's standard error) and the
 * number of directions, ascent steps, Lanczos steps and Hutchinson samples, and leaves out the per-tensor measures;
 * {@link #QUICK} and {@link #GLANCE} also leave out the PCA plane, the slices and ε-sharpness, and a glance the
 * Hessian measures. Options already below a cap stay as given.
 * Every snapshot records its level ({@code io.github.landscape4j.store.Snapshot#level()}).
 */
public enum SnapshotLevel {
    /** Every option as given. */
    FULL(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
            Integer.MAX_VALUE, true),
    /** Grid ≤ 11, probe ≤ 1,000, ≤ 10 directions, ≤ 10 Lanczos steps, ≤ 5 Hutchinson samples. */
    MEDIUM(11, 1000, 10, 10, 10, 5, false),
    /** Grid ≤ 7, probe ≤ 256, ≤ 5 directions, ≤ 4 ascent evaluations, ≤ 6 Lanczos steps, ≤ 3 samples. */
    COARSE(7, 256, 5, 4, 6, 3, false),
    /** Grid ≤ 5 on the random plane only, probe ≤ 64, ≤ 3 directions, ≤ 4 Lanczos steps, ≤ 2 samples. */
    QUICK(5, 64, 3, 0, 4, 2, false),
    /**
     * A glance: a 3×3 random plane on ≤ 32 examples, ≤ 2 directions, no curvature: for models whose quick snapshot
     * costs many training steps (a recurrent network on long sequences), so even they show something early.
     */
    GLANCE(3, 32, 2, 0, 0, 0, false);

    private final int grid;
    private final int probe;
    private final int sharpnessK;
    private final int ascentSteps;
    private final int hessianIterations;
    private final int hutchinson;
    private final boolean perTensor;

    SnapshotLevel(int grid, int probe, int sharpnessK, int ascentSteps, int hessianIterations, int hutchinson,
                  boolean perTensor) {
        this.grid = grid;
        this.probe = probe;
        this.sharpnessK = sharpnessK;
        this.ascentSteps = ascentSteps;
        this.hessianIterations = hessianIterations;
        this.hutchinson = hutchinson;
        this.perTensor = perTensor;
    }

    /** The level's name as stored: {@code full}, {@code medium}, {@code coarse}, {@code quick}, {@code glance}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The level of a stored key ({@code null}, from records written before levels: full). */
    public static SnapshotLevel ofKey(String key) {
        if (key == null || key.isEmpty()) {
            return FULL;
        }
        for (SnapshotLevel l : values()) {
            if (l.key().equals(key)) {
                return l;
            }
        }
        throw new IllegalArgumentException("snapshot level " + key + ": allowed are full, medium, coarse, quick, glance");
    }

    /** The cheapest level. */
    public static SnapshotLevel cheapest() {
        return GLANCE;
    }

    /** The next richer level; {@link #FULL} stays. */
    public SnapshotLevel richer() {
        return this == FULL ? FULL : values()[ordinal() - 1];
    }

    /** {@code full}'s options capped at this level's. */
    public SnapshotConfig config(SnapshotConfig full) {
        if (this == FULL) {
            return full;
        }
        int g = Math.min(full.grid(), grid);
        Set<String> planes = new HashSet<>(full.planes());
        planes.remove("hessian");
        boolean small = this == QUICK || this == GLANCE;
        if (small) {
            planes.retainAll(Set.of("random"));
        }
        return new SnapshotConfig(g, full.range(), full.normalization(), full.biasBn(), planes,
                full.slices() && !small, full.epsilon(), Math.min(full.sharpnessK(), sharpnessK),
                Math.min(full.ascentSteps(), ascentSteps), Math.min(full.hessianIterations(), hessianIterations),
                Math.min(full.hutchinson(), hutchinson), full.perTensorMeasures() && perTensor,
                full.sharpnessBoxAll(), full.curvatureAll(), full.pcaCentred(), 0, // a reduced level: its samples as capped
                full.planeValidation());
    }

    /** Examples of a probe of {@code size} this level evaluates on. */
    public long probeSize(long size) {
        return Math.min(size, probe);
    }
}
