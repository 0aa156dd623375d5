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
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Hessian-vector products, the top eigenvalue and Hutchinson's trace on a ReLU network with a softmax output, the
 * case where a finite-difference step that crosses activation kinks goes wrong, against the closed-form Hessian of
 * {@link ReluMlpHessian} (all parameters, biases included).
 */
class HessianReluTest {

    private static MultiLayerNetwork net;
    private static DataSet data;
    private static RealMatrix exact;
    private static Hessian hessian;
    private static INDArray theta;
    private static Probe probe;

    @BeforeAll
    static void trainAndBuildExactHessian() {
        int n = 300;
        java.util.Random r = new java.util.Random(21);
        float[][] x = new float[n][6];
        float[][] y = new float[n][4];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(4);
            for (int j = 0; j < 6; j++) {
                x[i][j] = (float) (r.nextGaussian() + (j % 4 == c ? 1.0 : 0));
            }
            y[i][c] = 1;
        }
        data = new DataSet(Nd4j.create(x), Nd4j.create(y));
        net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5).updater(new Adam(0.01))
                .weightInit(WeightInit.RELU).list()
                .layer(new DenseLayer.Builder().nIn(6).nOut(10).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(10).nOut(4)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        for (int i = 0; i < 100; i++) {
            net.fit(data);
        }
        exact = ReluMlpHessian.of(net, data.getFeatures(), data.getLabels());
        probe = Probes.of(data, n, "clusters");
        hessian = new Hessian(ProbeModel.of(net, DataType.DOUBLE),
                new Directions(Models.tensors(net), Normalization.FILTER, true));
        theta = net.params().castTo(DataType.DOUBLE).reshape(net.numParams());
    }

    @Test
    void productsMatchTheClosedFormAtTheDefaultStep() {
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(3);
        for (int t = 0; t < 5; t++) {
            INDArray v = Nd4j.randn(rng, theta.length()).castTo(DataType.DOUBLE);
            RealVector want = exact.operate(MatrixUtils.createRealVector(v.toDoubleVector()));
            RealVector got = MatrixUtils.createRealVector(hessian.hvp(theta, v, probe).toDoubleVector());
            assertThat(got.subtract(want).getNorm() / want.getNorm()).isLessThan(1e-5);
        }
    }

    @Test
    void topEigenvalueMatchesTheExactOne() {
        double[] eig = new EigenDecomposition(exact).getRealEigenvalues();
        double top = Arrays.stream(eig).map(Math::abs).max().orElseThrow();
        Hessian.Top found = hessian.top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(4), 200, 1e-9,
                null, null);
        assertThat(Math.abs(found.eigenvalue())).isCloseTo(top, within(0.01 * top));
    }

    @Test
    void theResidualOfTheTopPairIsItsDistanceFromAnEigenpairOfTheExactHessian() {
        double[] eig = new EigenDecomposition(exact).getRealEigenvalues();
        Hessian.Top lanczos = hessian.top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(4), 6, 1e-9,
                null, null);
        RealVector y = MatrixUtils.createRealVector(lanczos.eigenvector().toDoubleVector());
        double direct = exact.operate(y).subtract(y.mapMultiply(lanczos.eigenvalue())).getNorm();
        assertThat(lanczos.residual()).as("β_k·|s_k| against ||H·y − λ·y||").isCloseTo(direct,
                within(1e-4 * direct + 1e-9));
        assertThat(lanczos.residual()).isPositive(); // 6 steps: not yet converged to rounding
        Hessian.Top power = new Hessian(ProbeModel.of(net, DataType.DOUBLE),
                new Directions(Models.tensors(net), Normalization.FILTER, true), Hessian.RELATIVE_STEP, 0)
                .top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(4), 6, 1e-9, null, null);
        for (Hessian.Top t : new Hessian.Top[]{lanczos, power}) {
            double nearest = Arrays.stream(eig).map(e -> Math.abs(e - t.eigenvalue())).min().orElseThrow();
            assertThat(nearest).as("an eigenvalue within the residual").isLessThanOrEqualTo(t.residual() * (1 + 1e-6)
                    + 1e-9);
        }
    }

    @Test
    void everyRitzValueOfTheSpectrumLiesWithinItsResidualOfAnExactEigenvalue() {
        double[] eig = new EigenDecomposition(exact).getRealEigenvalues();
        Hessian.Top top = hessian.top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(4), 12, 1e-12,
                null, null);
        io.github.landscape4j.sharpness.internal.Ritz ritz = top.ritz();
        assertThat(ritz.values()).hasSize(12);
        assertThat(ritz.values()[0]).isEqualTo(top.eigenvalue());
        assertThat(ritz.residuals()[0]).isCloseTo(top.residual(), within(1e-12 * top.residual() + 1e-15));
        assertThat(Arrays.stream(ritz.weights()).sum()).isCloseTo(1.0, within(1e-12));
        for (int i = 0; i < 12; i++) {
            double value = ritz.values()[i];
            if (i > 0) {
                assertThat(value).isLessThanOrEqualTo(ritz.values()[i - 1]); // largest first
            }
            assertThat(ritz.weights()[i]).isBetween(0.0, 1.0);
            double nearest = Arrays.stream(eig).map(e -> Math.abs(e - value)).min().orElseThrow();
            assertThat(nearest).as("Ritz value %d: an exact eigenvalue within its residual", i)
                    .isLessThanOrEqualTo(ritz.residuals()[i] * (1 + 1e-5) + 1e-7);
        }
        // the top three are converged here: they are the three largest exact eigenvalues
        double[] sorted = Arrays.stream(eig).sorted().toArray();
        for (int k = 1; k <= 3; k++) {
            double want = sorted[sorted.length - k];
            assertThat(ritz.values()[k - 1]).as("λ_%d", k).isCloseTo(want, within(1e-4 * Math.abs(want)));
        }
    }

    @Test
    void theQuadratureGivesTheStartVectorsMomentsOfTheExactHessian() {
        // stochastic Lanczos quadrature: Σ_j w_j θ_j^p = vᵀH^p v for the (unit) start vector v and p < 2k
        int k = 6;
        Hessian.Top top = hessian.top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(9), k, 1e-12,
                null, null);
        double[] v = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(9), theta.length())
                .castTo(DataType.DOUBLE).toDoubleVector(); // the same draw as the run's start (every parameter)
        RealVector start = MatrixUtils.createRealVector(v).unitVector();
        RealVector power = start;
        for (int p = 0; p < 2 * k; p++) {
            double want = start.dotProduct(power);
            double got = 0;
            for (int j = 0; j < k; j++) {
                got += top.ritz().weights()[j] * Math.pow(top.ritz().values()[j], p);
            }
            assertThat(got).as("moment %d", p).isCloseTo(want, within(1e-5 * Math.max(1, Math.abs(want))));
            power = exact.operate(power);
        }
    }

    @Test
    void lanczosFindsTheTopInFewerProductsThanPowerIteration() {
        double top = Arrays.stream(new EigenDecomposition(exact).getRealEigenvalues()).max().orElseThrow();
        Hessian.Top lanczos = hessian.top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(4), 20, 1e-3,
                null, null);
        Hessian.Top power = new Hessian(ProbeModel.of(net, DataType.DOUBLE),
                new Directions(Models.tensors(net), Normalization.FILTER, true), Hessian.RELATIVE_STEP, 0)
                .top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(4), 20, 1e-3, null, null);
        assertThat(lanczos.eigenvalue()).isCloseTo(top, within(1e-4 * top));
        assertThat(lanczos.hvps()).isLessThan(power.hvps());
        assertThat(Math.abs(lanczos.eigenvalue() - top)).isLessThanOrEqualTo(Math.abs(power.eigenvalue() - top));
    }

    @Test
    void traceMatchesExactOnTheSameRademacherVectors() {
        int samples = 30;
        double estimate = fresh().trace(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(9), samples);
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(9);
        double sameVectors = 0;
        for (int i = 0; i < samples; i++) {
            RealVector v = MatrixUtils.createRealVector(
                    Hessian.rademacher(rng, theta.length(), DataType.DOUBLE).toDoubleVector());
            sameVectors += v.dotProduct(exact.operate(v));
        }
        sameVectors /= samples;
        assertThat(estimate).isCloseTo(sameVectors, within(1e-4 * Math.abs(sameVectors)));
        assertThat(exact.getTrace()).isPositive();
    }

    @Test
    void traceStandardErrorIsTheSpreadOfTheSameSamplesAndCoversTheExactTrace() {
        int samples = 30;
        Hessian.Estimate e = fresh().traceEstimate(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(9),
                samples);
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(9);
        double[] values = new double[samples];
        for (int i = 0; i < samples; i++) {
            RealVector v = MatrixUtils.createRealVector(
                    Hessian.rademacher(rng, theta.length(), DataType.DOUBLE).toDoubleVector());
            values[i] = v.dotProduct(exact.operate(v));
        }
        double sd = new org.apache.commons.math3.stat.descriptive.DescriptiveStatistics(values).getStandardDeviation();
        assertThat(e.samples()).isEqualTo(samples);
        assertThat(e.standardError()).isCloseTo(sd / Math.sqrt(samples), within(1e-3 * sd / Math.sqrt(samples)));
        assertThat(e.standardError()).isPositive();
        // an unbiased estimate: the exact trace within 4 standard errors (fixed draws: deterministic)
        assertThat(Math.abs(e.value() - exact.getTrace())).isLessThan(4 * e.standardError());
        assertThat(fresh().traceEstimate(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(9), 1)
                .standardError()).isNaN();
    }

    @Test
    void theTraceDeflatedByTheLanczosBasisIsUnbiasedAndTighter() {
        Hessian h = fresh();
        Hessian.Estimate plain = h.traceEstimate(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(9), 30);
        assertThat(plain.exactDirections()).isZero();
        Hessian.Top top = h.top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(4), 20, 1e-3, null, null);
        Hessian.Estimate deflated = h.traceEstimate(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(9),
                30);
        assertThat(deflated.exactDirections()).isEqualTo(top.hvps());
        assertThat(Math.abs(deflated.value() - exact.getTrace())).isLessThan(4 * deflated.standardError());
        assertThat(deflated.standardError()).as("the top directions' part of the spread is gone")
                .isLessThan(plain.standardError() / 2);
        // another centre or probe: the basis does not apply
        assertThat(h.traceEstimate(theta.dup(), probe, Nd4j.getRandomFactory().getNewRandomInstance(9), 2)
                .exactDirections()).isZero();

        // a basis of the whole space: the trace is the sum of Lanczos's α, nothing left to sample
        Hessian whole = fresh();
        whole.top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(4), (int) theta.length(), -1, null, null);
        Hessian.Estimate all = whole.traceEstimate(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(9), 5);
        assertThat(all.value()).isCloseTo(exact.getTrace(), within(1e-4 * Math.abs(exact.getTrace())));
        assertThat(all.standardError()).isLessThan(1e-4 * Math.abs(exact.getTrace()));
    }

    @Test
    void moreSamplesUntilTheStandardErrorIsSmallEnough() {
        Hessian.Estimate fixed = fresh().traceEstimate(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(9),
                5, 5, 0);
        assertThat(fixed.samples()).isEqualTo(5);
        double target = 0.5 * fixed.standardError() / Math.abs(fixed.value()); // about 4x the samples
        Hessian.Estimate more = fresh().traceEstimate(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(9),
                5, 200, target);
        assertThat(more.samples()).isGreaterThan(5).isLessThan(200);
        assertThat(more.standardError()).isLessThanOrEqualTo(target * Math.abs(more.value()));
        Hessian.Estimate fewer = fresh().traceEstimate(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(9),
                5, 200, target);
        assertThat(fewer.samples()).as("the same draws: the same stop").isEqualTo(more.samples());
        assertThat(Math.abs(more.value() - exact.getTrace())).isLessThan(4 * more.standardError());
        Hessian.Estimate capped = fresh().traceEstimate(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(9),
                5, 8, 1e-9);
        assertThat(capped.samples()).isEqualTo(8);
    }

    /** A product engine with no Lanczos basis kept yet: plain Hutchinson. */
    private static Hessian fresh() {
        return new Hessian(ProbeModel.of(net, DataType.DOUBLE),
                new Directions(Models.tensors(net), Normalization.FILTER, true));
    }
}
