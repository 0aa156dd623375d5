package io.github.landscape4j.engine;

/**
 * One part of a snapshot: a measure, a plane or a slice. Parts run in order on one {@link EvaluationContext}; the
 * context puts the centre parameters back into its network copies after each part, so a part may move them freely.
 */
public interface Part {
    /** Short name, used for the part's timing in {@link io.github.landscape4j.store.Snapshot#timingsMillis()}. */
    String name();

    /** Whether it runs in this snapshot (its options, the probes present, what earlier parts found). */
    boolean enabled(EvaluationContext ctx);

    /** Computes the part and puts its results into {@code ctx}. */
    void compute(EvaluationContext ctx);
}
