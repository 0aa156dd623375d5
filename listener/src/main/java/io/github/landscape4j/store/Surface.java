package io.github.landscape4j.store;

import java.util.List;

/**
 * A 2D loss surface {@code L(θ + a·d1 + b·d2)} over a grid, on the train probe and, when there is one, the
 * validation probe. Grids are indexed {@code [j][i]} = value at {@code (xs[i], ys[j])}; NaN and infinities are kept as
 * computed (draw them as gaps). Validation grids are empty arrays when there is no validation probe.
 *
 * @param plane          {@code random} (the run's fixed filter-normalized plane), {@code pca} (top two principal
 *                       directions of the trajectory) or {@code hessian} (top two Hessian eigenvectors)
 * @param normalization  direction normalization: {@code filter}, {@code layer} or {@code none}
 * @param xs             coordinates along d1
 * @param ys             coordinates along d2
 * @param trainLoss      mean loss on the train probe
 * @param trainAccuracy  accuracy on the train probe (NaN when the model is not a classifier)
 * @param valLoss        mean loss on the validation probe
 * @param valAccuracy    accuracy on the validation probe
 * @param axisLabels     axis labels, e.g. {@code "PC1 (81.2%)"}
 * @param explainedVariance for {@code pca}: the share of the trajectory's variance along d1 and d2; else empty
 * @param path           for {@code pca}: coordinates {@code [k] = {a, b}} of each checkpoint in the plane; else empty
 * @param pathIterations iterations of the path's checkpoints
 */
public record Surface(String plane, String normalization, double[] xs, double[] ys, double[][] trainLoss,
                      double[][] trainAccuracy, double[][] valLoss, double[][] valAccuracy, List<String> axisLabels,
                      double[] explainedVariance, double[][] path, long[] pathIterations) {
}
