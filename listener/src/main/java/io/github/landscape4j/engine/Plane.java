package io.github.landscape4j.engine;

/**
 * A 2D surface of a snapshot, as a plug-in: it picks two directions around the centre and evaluates the probes on
 * the grid they span ({@link EvaluationContext#plane}), adding the result with {@link
 * EvaluationContext#addSurface}.
 */
public interface Plane extends Part {
}
