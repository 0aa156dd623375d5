package io.github.landscape4j.engine.internal;

import io.github.landscape4j.engine.SnapshotLevel;

/**
 * Internal: what a snapshot costs, predicted before it starts. An evaluation of {@code n} examples is modelled as
 * {@code a + b·n} (a fixed cost per call, DL4J's bookkeeping, and a cost per example), fitted on warm, timed
 * evaluations of two probe sizes: a run's first evaluation is cold (JIT, fresh memory) and, timed alone, predicted
 * whole snapshots 20-120x too long; and one size alone over-predicts large probes from small ones (the fixed cost). A
 * snapshot of a level costs its evaluation count times that, times the level's correction: measured time over
 * prediction at the level's last snapshot (or, before one, at the nearest level measured), so each level learns what
 * the count leaves out (gradients, Hessian-vector products) and a wrong first guess is forgotten at the first real
 * snapshot. An abandoned snapshot raises its level's correction.
 */
public final class Calibration {
    private double fixedNanos;
    private double perExampleNanos;
    private boolean known;
    /** Measured over predicted, by level ordinal; 0 when that level was never measured. */
    private final double[] correction = new double[SnapshotLevel.values().length];

    /** Whether the evaluation cost was measured. */
    public boolean known() {
        return known;
    }

    /**
     * Fits the cost of an evaluation from {@code small} ({@code smallExamples} examples) and {@code large}
     * ({@code largeExamples}): each is run once to warm up, then timed; the fastest of a few runs counts.
     */
    public void warmUp(Runnable small, long smallExamples, Runnable large, long largeExamples) {
        small.run();
        large.run();
        double s = fastest(small, 3);
        double l = largeExamples > smallExamples ? fastest(large, 2) : s;
        if (largeExamples > smallExamples) {
            perExampleNanos = Math.max(0, (l - s) / (largeExamples - smallExamples));
            fixedNanos = Math.max(0, s - perExampleNanos * smallExamples);
        } else {
            perExampleNanos = s / Math.max(1, smallExamples);
            fixedNanos = 0;
        }
        if (fixedNanos + perExampleNanos <= 0) {
            perExampleNanos = 1;
        }
        known = true;
    }

    /** The fastest of {@code times} timed runs of {@code r}, in nanoseconds (at least 1). */
    private static double fastest(Runnable r, int times) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < times; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return Math.max(1, best);
    }

    /** What {@code evaluations} evaluations of {@code examples} examples cost by the fitted model alone. */
    private double raw(double evaluations, long examples) {
        return evaluations * (fixedNanos + perExampleNanos * examples);
    }

    /** A snapshot of {@code level} ({@code evaluations} of {@code examples} examples) took {@code nanos}. */
    public void taken(SnapshotLevel level, double evaluations, long examples, long nanos) {
        double r = raw(evaluations, examples);
        if (known && r > 0 && nanos > 0) {
            correction[level.ordinal()] = nanos / r;
        }
    }

    /** A snapshot of {@code level} was abandoned past its limit: the whole costs more than {@code nanos}. */
    public void atLeast(SnapshotLevel level, double evaluations, long examples, long nanos) {
        double r = raw(evaluations, examples);
        if (known && r > 0) {
            correction[level.ordinal()] = Math.max(correction(level), nanos / r);
        }
    }

    /** The level's correction, or the nearest measured level's, or 1. */
    private double correction(SnapshotLevel level) {
        int i = level.ordinal();
        for (int d = 0; d < correction.length; d++) {
            if (i - d >= 0 && correction[i - d] > 0) {
                return correction[i - d];
            }
            if (i + d < correction.length && correction[i + d] > 0) {
                return correction[i + d];
            }
        }
        return 1;
    }

    /** What a snapshot of {@code level} is predicted to take; 0 when nothing was measured. */
    public long predict(SnapshotLevel level, double evaluations, long examples) {
        return known ? (long) Math.ceil(raw(evaluations, examples) * correction(level)) : 0;
    }
}
