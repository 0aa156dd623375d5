package io.github.landscape4j.store;

/**
 * A 1D slice of the loss: along a random filter-normalized direction ({@code L(θ + α·d)}), or the linear
 * interpolation {@code L((1-α)·θa + α·θb)} between two parameter vectors (Goodfellow et al. 2015). Validation arrays
 * are empty when there is no validation probe.
 *
 * @param kind          {@code random} or {@code interpolation}
 * @param label         what the ends are, e.g. {@code initial → current}
 * @param alphas        the coordinates
 * @param trainLoss     mean train-probe loss at each alpha
 * @param trainAccuracy train-probe accuracy
 * @param valLoss       validation-probe loss
 * @param valAccuracy   validation-probe accuracy
 */
public record Slice(String kind, String label, double[] alphas, double[] trainLoss, double[] trainAccuracy,
                    double[] valLoss, double[] valAccuracy) {
}
