package io.github.landscape4j.engine;

/**
 * A snapshot given up part-way: it would break its time limit, or its caller cancelled it (e.g. the run is
 * ending). Nothing of it is returned; the engine's copies are left at the centre parameters.
 */
public final class SnapshotAbandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient long costNanos;
    private final transient long predictedNanos;

    public SnapshotAbandoned(String why, long costNanos, long predictedNanos) {
        super(why, null, false, false);
        this.costNanos = costNanos;
        this.predictedNanos = predictedNanos;
    }

    /** What it cost until it was given up. */
    public long costNanos() {
        return costNanos;
    }

    /** What the whole snapshot was predicted to cost; 0 when unknown. */
    public long predictedNanos() {
        return predictedNanos;
    }
}
