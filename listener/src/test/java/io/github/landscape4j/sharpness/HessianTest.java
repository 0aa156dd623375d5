package io.github.landscape4j.sharpness;

import io.github.landscape4j.direction.Normalization;
import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.sharpness.internal.Hessian;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Probes;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A linear model with squared loss has the known Hessian {@code (2/n)·[X 1]ᵀ[X 1]} (DL4J's MSE with one output is
 * the squared error); power iteration and Hutchinson's estimator on finite-difference products must match it.
 */
class HessianTest {

    @Test
    void linearModelWithSquaredLoss() {
        int n = 200;
        int features = 3;
        Random r = new Random(3);
        double[][] x = new double[n][features];
        double[][] y = new double[n][1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < features; j++) {
                x[i][j] = r.nextGaussian() * (j + 1) + 0.5 * j; // distinct scales: a clear top eigenvalue
            }
            y[i][0] = x[i][0] - 2 * x[i][2] + r.nextGaussian();
        }
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .updater(new Sgd(0.01)).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(features).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        DataSet data = new DataSet(Nd4j.create(x).castTo(DataType.FLOAT), Nd4j.create(y).castTo(DataType.FLOAT));
        Probe probe = Probes.of(data, n, "test");

        double[][] design = new double[n][features + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x[i], 0, design[i], 0, features);
            design[i][features] = 1; // the bias, last in DL4J's flattened parameters (0_W then 0_b)
        }
        var d = MatrixUtils.createRealMatrix(design);
        var exact = d.transpose().multiply(d).scalarMultiply(2.0 / n);
        double[] eig = new EigenDecomposition(exact).getRealEigenvalues();
        double top = eig[0];
        double trace = exact.getTrace();

        ProbeModel model = ProbeModel.of(net, DataType.DOUBLE);
        Directions all = new Directions(Models.tensors(net), Normalization.FILTER, true);
        Hessian hessian = new Hessian(model, all);
        INDArray theta = net.params().castTo(DataType.DOUBLE);
        Hessian.Top found = hessian.top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(7), 20, 1e-6,
                null, null);
        assertThat(found.eigenvalue()).isCloseTo(top, within(0.01 * top));
        assertThat(found.hvps()).isLessThanOrEqualTo(20);

        int samples = 400;
        double frob = 0;
        double diag = 0;
        for (int i = 0; i < features + 1; i++) {
            for (int j = 0; j < features + 1; j++) {
                frob += exact.getEntry(i, j) * exact.getEntry(i, j);
            }
            diag += exact.getEntry(i, i) * exact.getEntry(i, i);
        }
        double sd = Math.sqrt(2 * (frob - diag) / samples); // Rademacher estimator's standard deviation
        double estimate = hessian.trace(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(8), samples);
        assertThat(estimate).isCloseTo(trace, within(4 * sd + 1e-6 * trace));
    }
}
