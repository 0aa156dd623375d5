package io.github.landscape4j.sharpness;

import io.github.landscape4j.direction.Normalization;
import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.sharpness.internal.Hessian;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Probes;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * λ_max is the largest eigenvalue, not the one of largest magnitude: at a point where the Hessian's most negative
 * eigenvalue dominates (a tanh network with saturated, scaled-up weights), the engine's top eigenvalue matches the
 * algebraic maximum of the full Hessian (built column by column from products with unit vectors).
 */
class NegativeCurvatureTest {

    @Test
    void theTopEigenvalueIsTheAlgebraicMaximum() {
        for (long seed = 1; seed <= 40; seed++) {
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed).list()
                    .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(1)
                            .activation(Activation.IDENTITY).build()).build());
            net.init();
            net.params().muli(4); // saturated units: strong curvature of both signs
            Random r = new Random(seed);
            double[][] x = new double[64][3];
            double[][] y = new double[64][1];
            for (int i = 0; i < 64; i++) {
                for (int j = 0; j < 3; j++) {
                    x[i][j] = r.nextGaussian();
                }
                y[i][0] = r.nextGaussian() * 3;
            }
            Probe probe = Probes.of(new DataSet(Nd4j.create(x).castTo(DataType.FLOAT),
                    Nd4j.create(y).castTo(DataType.FLOAT)), 64, "test");
            ProbeModel model = ProbeModel.of(net, DataType.DOUBLE);
            Hessian hessian = new Hessian(model, new Directions(Models.tensors(net), Normalization.FILTER, true));
            INDArray theta = net.params().castTo(DataType.DOUBLE).reshape(net.numParams());
            int n = (int) net.numParams();
            RealMatrix h = MatrixUtils.createRealMatrix(n, n);
            for (int c = 0; c < n; c++) {
                INDArray e = Nd4j.zeros(DataType.DOUBLE, n);
                e.putScalar(c, 1.0);
                double[] col = hessian.hvp(theta, e, probe).toDoubleVector();
                for (int i = 0; i < n; i++) {
                    h.setEntry(i, c, col[i]);
                }
            }
            h = h.add(h.transpose()).scalarMultiply(0.5);
            double[] eig = new EigenDecomposition(h).getRealEigenvalues();
            double max = Arrays.stream(eig).max().orElseThrow();
            double min = Arrays.stream(eig).min().orElseThrow();
            if (-min < 1.5 * Math.abs(max)) {
                continue; // the dominant eigenvalue is not a clearly negative one here
            }
            Hessian.Top top = hessian.top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(3), 200, 1e-9,
                    null, null);
            assertThat(top.eigenvalue()).as("Lanczos, seed %d: eigenvalues %s..%s", seed, min, max)
                    .isCloseTo(max, within(0.02 * (max - min)));
            Hessian power = new Hessian(model, new Directions(Models.tensors(net), Normalization.FILTER, true),
                    Hessian.RELATIVE_STEP, 0); // no room for a Lanczos basis: the power-iteration fallback
            Hessian.Top powerTop = power.top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(3), 200,
                    1e-9, null, null);
            assertThat(powerTop.eigenvalue()).as("power iteration, seed %d: eigenvalues %s..%s", seed, min, max)
                    .isCloseTo(max, within(0.02 * (max - min)));
            return;
        }
        throw new AssertionError("no seed gave a Hessian whose most negative eigenvalue dominates");
    }
}
