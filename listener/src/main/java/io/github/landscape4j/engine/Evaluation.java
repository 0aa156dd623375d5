package io.github.landscape4j.engine;

/**
 * Internal: the loss of a probe at one point: mean per-example loss (without regularization), its standard error
 * over the probe's examples, and accuracy (NaN when not a classifier).
 */
public record Evaluation(double loss, double standardError, double accuracy) {
}
