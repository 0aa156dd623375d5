package io.github.landscape4j.engine.internal;

/**
 * Internal: what one probe evaluation costs per example, to predict a snapshot's cost before it starts. Measured
 * first on a warm evaluation (one throw-away evaluation, then a timed one: a run's first evaluation is cold, JIT and
 * fresh memory, and predicted whole snapshots 20-120x too long), then replaced by each snapshot taken: its measured
 * time over its evaluation count, so a wrong first guess is forgotten at the first real snapshot.
 */
public final class Calibration {
    /** Nanoseconds per example-evaluation; 0 until measured. */
    private double nanosPerUnit;

    /** Whether anything was measured. */
    public boolean known() {
        return nanosPerUnit > 0;
    }

    /** Runs {@code evaluation} (on {@code examples} examples) once to warm up, then once timed. */
    public void warmUp(Runnable evaluation, long examples) {
        evaluation.run();
        long t0 = System.nanoTime();
        evaluation.run();
        nanosPerUnit = Math.max(1, System.nanoTime() - t0) / (double) Math.max(1, examples);
    }

    /** A snapshot of {@code units} example-evaluations took {@code nanos}. */
    public void taken(long nanos, double units) {
        if (units > 0 && nanos > 0) {
            nanosPerUnit = nanos / units;
        }
    }

    /** A snapshot of {@code units} example-evaluations was abandoned past its limit: it costs more than {@code nanos}. */
    public void atLeast(long nanos, double units) {
        if (units > 0) {
            nanosPerUnit = Math.max(nanosPerUnit, nanos / units);
        }
    }

    /** What {@code units} example-evaluations are predicted to take; 0 when nothing was measured. */
    public long predict(double units) {
        return (long) Math.ceil(units * nanosPerUnit);
    }
}
