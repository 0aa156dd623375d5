package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.Evaluation;

/**
 * Internal: a probe scored at one point, output by output (see {@link Heads}).
 *
 * @param loss          mean loss in DL4J's units (as {@code score(DataSet)} without regularization)
 * @param standardError its standard error over the probe's examples (NaN when not computed)
 * @param accuracy      accuracy of the first classifier output (per time step for RNN outputs), NaN when none is
 * @param headLosses    each output's share of {@code loss}, in output order
 * @param mse           mean squared error over every value of the regression outputs, NaN when none is
 * @param mae           mean absolute error over the same values, NaN when none is
 */
public record ProbeReport(double loss, double standardError, double accuracy, double[] headLosses, double mse,
                          double mae) {

    /** Whether some output is a classifier. */
    public boolean classifier() {
        return !Double.isNaN(accuracy);
    }

    /** Whether some output is a regression. */
    public boolean regression() {
        return !Double.isNaN(mse);
    }

    public Evaluation evaluation() {
        return new Evaluation(loss, standardError, accuracy);
    }
}
