package io.github.landscape4j.listener;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.MeasureDescriptor;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.surface.internal.Probes;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The edge-of-stability ratio concerns the Hessian of the loss the optimizer steps on: for a {@code miniBatch(false)}
 * network the sum over a training minibatch of {@code B} examples, not the probe's sum over {@code n}. Checked against
 * the top eigenvalue of the Hessian of DL4J's own {@code score} on one training minibatch, by second differences of
 * that score on a double-precision copy (no landscape4j code). The minibatches are one set of {@code B} examples
 * with a small jitter (fresh examples each, so the probe holds {@code n = 3B} distinct ones): the probe sum's
 * Hessian is then 3 times a minibatch's to about 1e-3, and the comparison is not blurred by sampling noise.
 */
class EdgeOfStabilityTest {
    private static final int B = 8;
    private static final int N = 3 * B;
    private static final double LR = 0.05;

    @TempDir
    Path dir;

    @Test
    void miniBatchFalseUsesTheHessianOfTheMinibatchSum() {
        MultiLayerNetwork net = mlp(false);
        List<DataSet> batches = jittered(4, 21);
        Snapshot s = train("sum", net, batches);

        double top = s.measure("hessian_top");
        double eos = s.measure("edge_of_stability");
        assertThat(top).isPositive();
        assertThat(eos).isCloseTo(top * B / N * LR / 2, within(1e-9 * Math.abs(eos)));
        double reference = topEigenvalueOfScore(net, batches.get(0)) * LR / 2; // DL4J's score: the sum over B
        assertThat(eos).isCloseTo(reference, within(0.02 * reference));
    }

    @Test
    void miniBatchTrueKeepsTheProbeMeanRatio() {
        MultiLayerNetwork net = mlp(true);
        List<DataSet> batches = jittered(4, 21);
        Snapshot s = train("mean", net, batches);

        double top = s.measure("hessian_top");
        double eos = s.measure("edge_of_stability");
        assertThat(eos).isCloseTo(top * LR / 2, within(1e-9 * Math.abs(eos)));
        double reference = topEigenvalueOfScore(net, batches.get(0)) * LR / 2; // DL4J's score: the mean over B
        assertThat(eos).isCloseTo(reference, within(0.02 * reference));
    }

    @Test
    void withoutTheMinibatchSizeASummedNetworkGetsNoRatioAndSaysWhy() {
        MultiLayerNetwork sum = mlp(false);
        MultiLayerNetwork mean = mlp(true);
        Probe probe = Probes.of(DataSet.merge(jittered(3, 22)), N, "test");
        SnapshotConfig config = LandscapeConfig.parse(Map.of("planes", "none", "slices", "false", "sharpnessK", "0",
                "ascentSteps", "0", "hessianIterations", "20", "hutchinson", "0", "perTensorMeasures", "false"))
                .snapshots();
        SnapshotRequest request = SnapshotRequest.of(probe).withLearningRate(LR);

        Snapshot unknown = LandscapeEngine.builder(sum).config(config).build().snapshot(request);
        Snapshot known = LandscapeEngine.builder(sum).config(config).build().snapshot(request.withBatchSize(B));
        Snapshot ordinary = LandscapeEngine.builder(mean).config(config).build().snapshot(request);

        assertThat(unknown.measures()).containsKey("hessian_top").doesNotContainKey("edge_of_stability");
        assertThat(known.measure("edge_of_stability"))
                .isCloseTo(known.measure("hessian_top") * B / N * LR / 2, within(1e-12));
        assertThat(ordinary.measure("edge_of_stability"))
                .isCloseTo(ordinary.measure("hessian_top") * LR / 2, within(1e-12));
        MeasureDescriptor d = LandscapeEngine.measures(config, List.of()).stream()
                .filter(m -> m.key().equals("edge_of_stability")).findFirst().orElseThrow();
        assertThat(d.description()).contains("miniBatch(false)", "sum over the training minibatch",
                "not written when B is unknown");
    }

    /**
     * DL4J's Nesterov momentum has the threshold {@code (2 + 2β)/(1 + 2β)}: on a linear least-squares model (a
     * constant Hessian, full-batch steps, so the snapshot's λ_max is the one the optimizer meets) the ratio is
     * {@code λ_max·η/c}, and DL4J's own training converges at a step 10% under {@code c/λ_max} and diverges 10% over.
     */
    @Test
    void nesterovMomentumHasItsOwnThresholdAndDl4jDivergesPastIt() {
        double beta = 0.9;
        DataSet data = linearData();
        Probe probe = Probes.of(data, 40, "test");
        SnapshotConfig config = LandscapeConfig.parse(Map.of("planes", "none", "slices", "false", "sharpnessK", "0",
                "ascentSteps", "0", "hessianIterations", "20", "hutchinson", "0", "perTensorMeasures", "false"))
                .snapshots();
        double top = LandscapeEngine.builder(linear(new Nesterovs(0.01, beta))).config(config).build()
                .snapshot(SnapshotRequest.of(probe).withLearningRate(0.01)).measure("hessian_top");
        double c = (2 + 2 * beta) / (1 + 2 * beta);
        assertThat(c).isCloseTo(1.357142857, within(1e-8));
        double stable = 0.9 * c / top;
        double unstable = 1.1 * c / top;
        MultiLayerNetwork below = linear(new Nesterovs(stable, beta));
        Snapshot atBelow = LandscapeEngine.builder(below).config(config).build()
                .snapshot(SnapshotRequest.of(probe).withLearningRate(stable));
        assertThat(atBelow.measure("edge_of_stability")).isCloseTo(0.9, within(1e-4));
        MultiLayerNetwork above = linear(new Nesterovs(unstable, beta));
        double start = below.score(data);
        for (int i = 0; i < 400; i++) {
            below.fit(data);
            above.fit(data);
        }
        assertThat(below.score(data)).isLessThan(start);
        assertThat(Double.isFinite(above.score(data)) ? above.score(data) : Double.POSITIVE_INFINITY)
                .isGreaterThan(1e6 * start);
    }

    /**
     * Adam's edge is its preconditioned sharpness (Cohen et al. 2022): after 30 full-batch Adam steps on the linear
     * model, {@code hessian_top_preconditioned} is the top eigenvalue of {@code P⁻¹H} with {@code H} the Hessian of
     * DL4J's score (second differences, no landscape4j code) and {@code P} Adam's divisor; that divisor is checked
     * against DL4J's own Adam step (its native op) on a copy of the state: the update equals {@code η·m/d}.
     */
    @Test
    void adamRunsGetTheirPreconditionedSharpness() {
        double lr = 0.01;
        DataSet data = linearData();
        MultiLayerNetwork net = linear(new Adam(lr));
        for (int i = 0; i < 30; i++) {
            net.fit(data);
        }
        Probe probe = Probes.of(data, 40, "test");
        SnapshotConfig config = LandscapeConfig.parse(Map.of("planes", "none", "slices", "false", "sharpnessK", "0",
                "ascentSteps", "0", "hessianIterations", "20", "hutchinson", "0", "perTensorMeasures", "false"))
                .snapshots();
        INDArray before = net.params().dup();
        Snapshot s = LandscapeEngine.builder(net).config(config).build()
                .snapshot(SnapshotRequest.of(probe).withLearningRate(lr));
        assertThat(net.params()).isEqualTo(before);

        io.github.landscape4j.engine.internal.AdamState adam =
                io.github.landscape4j.engine.internal.AdamState.of(net).orElseThrow();
        double[] d = adam.divisor().toDoubleVector();
        // DL4J's next step on a copy of the updater's state: update = η·m'/d' with d' from the stepped state
        org.deeplearning4j.nn.updater.UpdaterBlock block = ((org.deeplearning4j.nn.updater.BaseMultiLayerUpdater<?>)
                net.getUpdater(false)).getUpdaterBlocks().get(0);
        org.nd4j.linalg.learning.AdamUpdater copy = new org.nd4j.linalg.learning.AdamUpdater(new Adam(lr));
        copy.setStateViewArray(block.getUpdaterView().dup(), new long[]{1, 4}, 'c', false);
        INDArray g = Nd4j.createFromArray(0.3f, -0.2f, 0.1f, 0.05f).reshape(1, 4);
        copy.applyUpdater(g, net.getIterationCount() + 1, 0); // the step after the next one: t + 1
        double beta1 = 0.9;
        double beta2 = 0.999;
        long t = net.getIterationCount() + 2;
        for (int i = 0; i < 4; i++) {
            double dNext = (1 - Math.pow(beta1, t)) * (Math.sqrt(copy.getV().getDouble(i)) + 1e-8)
                    / Math.sqrt(1 - Math.pow(beta2, t));
            assertThat(g.getDouble(i)).isCloseTo(lr * copy.getM().getDouble(i) / dNext,
                    within(1e-5 * Math.abs(g.getDouble(i))));
        }
        assertThat(adam.threshold()).isCloseTo(38, within(1e-12));

        double[][] h = hessianOfScore(net, data);
        double[][] scaled = new double[4][4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                scaled[i][j] = h[i][j] / Math.sqrt(d[i] * d[j]);
            }
        }
        double reference = Arrays.stream(new EigenDecomposition(new Array2DRowRealMatrix(scaled))
                .getRealEigenvalues()).max().orElseThrow();
        assertThat(s.measure("hessian_top_preconditioned")).isCloseTo(reference, within(2e-3 * reference));
        assertThat(s.measure("hessian_top_preconditioned_residual")).isBetween(0.0, 1e-3 * reference);
        assertThat(s.measure("edge_of_stability")).isCloseTo(s.measure("hessian_top_preconditioned") * lr / 38,
                within(1e-9 * s.measure("edge_of_stability")));
        // a different quantity from λ_max(H) (173 here): the ratio is not λ_max·η/2 under another name
        assertThat(Math.abs(s.measure("hessian_top_preconditioned") - s.measure("hessian_top")))
                .isGreaterThan(0.5 * s.measure("hessian_top_preconditioned"));
    }

    @Test
    void adamRunsBeforeTheirFirstStepGetNoRatio() {
        Probe probe = Probes.of(linearData(), 40, "test");
        SnapshotConfig config = LandscapeConfig.parse(Map.of("planes", "none", "slices", "false", "sharpnessK", "0",
                "ascentSteps", "0", "hessianIterations", "20", "hutchinson", "0", "perTensorMeasures", "false"))
                .snapshots();
        Snapshot s = LandscapeEngine.builder(linear(new Adam(0.01))).config(config).build()
                .snapshot(SnapshotRequest.of(probe).withLearningRate(0.01));
        assertThat(s.measures()).containsKey("hessian_top").doesNotContainKey("edge_of_stability");
    }

    /** A linear model, 3 inputs to 1 output with the mean squared error, seeded. */
    private static MultiLayerNetwork linear(org.nd4j.linalg.learning.config.IUpdater updater) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(TestNets.SEED)
                .updater(updater).weightInit(WeightInit.XAVIER).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    /** 40 examples of {@code y = x·w + noise}, inputs of different scales (a spread Hessian). */
    private static DataSet linearData() {
        Random r = new Random(3);
        double[][] x = new double[40][3];
        double[][] y = new double[40][1];
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = r.nextGaussian() * (1 + j);
            }
            y[i][0] = 0.5 * x[i][0] - x[i][1] + 0.2 * x[i][2] + 0.1 * r.nextGaussian();
        }
        return new DataSet(Nd4j.create(x).castTo(DataType.FLOAT), Nd4j.create(y).castTo(DataType.FLOAT));
    }

    /** 4-6-3 tanh MLP, softmax and cross-entropy, plain SGD at {@link #LR}. */
    private static MultiLayerNetwork mlp(boolean miniBatch) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(TestNets.SEED)
                .updater(new Sgd(LR)).miniBatch(miniBatch).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** {@code count} minibatches of the same {@link #B} examples, each with its own jitter of 1e-3 on the inputs. */
    private static List<DataSet> jittered(int count, long seed) {
        DataSet base = TestNets.data(1, B, 4, seed).get(0);
        Random r = new Random(seed + 1);
        List<DataSet> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            INDArray x = base.getFeatures().dup();
            for (int i = 0; i < x.length(); i++) {
                x.putScalar(i, x.getDouble(i) + 1e-3 * r.nextGaussian());
            }
            out.add(new DataSet(x, base.getLabels().dup()));
        }
        return out;
    }

    /** Two epochs over the minibatches under the listener; the final snapshot, taken at close. */
    private Snapshot train(String name, MultiLayerNetwork net, List<DataSet> batches) {
        Path file = dir.resolve(name + ".db");
        try (LandscapeListener l = LandscapeListener.builder().store(file).runName(name).planes().slices(false)
                .sharpnessK(0).ascentSteps(0).hessianIterations(20).hutchinson(0).perTensorMeasures(false)
                .probeSize(N).snapshotEvery(1000).build()) {
            net.addListeners(l);
            TestNets.train(net, batches, 2);
            assertThat(l.faulted()).isFalse();
        }
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            List<Snapshot> snaps = store.snapshots(store.listRuns().get(0).runId());
            assertThat(snaps).hasSize(1);
            assertThat(snaps.get(0).probe().get("train")).startsWith(N + " examples");
            return snaps.get(0);
        }
    }

    /**
     * The largest eigenvalue of the Hessian of {@code net.score(batch)} (DL4J's own score: the sum over the examples
     * for {@code miniBatch(false)}, else the mean; no regularization is configured) at the net's parameters, on a
     * double-precision copy: rows by forward differences of DL4J's backpropagated gradient, which is scaled to the
     * score's units by comparing one directional derivative of the score itself with it.
     */
    private static double topEigenvalueOfScore(MultiLayerNetwork net, DataSet batch) {
        return Arrays.stream(new EigenDecomposition(new Array2DRowRealMatrix(hessianOfScore(net, batch)))
                .getRealEigenvalues()).max().orElseThrow();
    }

    /** The Hessian of {@code net.score(batch)}, as {@link #topEigenvalueOfScore} computes it. */
    private static double[][] hessianOfScore(MultiLayerNetwork net, DataSet batch) {
        MultiLayerNetwork d = net.convertDataType(DataType.DOUBLE);
        INDArray x = batch.getFeatures().castTo(DataType.DOUBLE);
        INDArray y = batch.getLabels().castTo(DataType.DOUBLE);
        INDArray p = d.params();
        double[] theta = p.toDoubleVector();
        int n = theta.length;
        double h = 1e-6;
        double[] g0 = gradient(d, x, y);
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            p.putScalar(i, theta[i] + h);
            double[] plus = gradient(d, x, y);
            p.putScalar(i, theta[i]);
            rows[i] = new double[n];
            for (int j = 0; j < n; j++) {
                rows[i][j] = (plus[j] - g0[j]) / h;
            }
        }
        // the raw gradient's units against the score's (DL4J sums it over examples and divides in the updater)
        double[] v = new Random(5).doubles(n).map(t -> t - 0.5).toArray();
        DataSet data = new DataSet(x, y);
        p.assign(Nd4j.createFromArray(theta).addi(Nd4j.createFromArray(v).muli(1e-4)));
        double up = d.score(data, false);
        p.assign(Nd4j.createFromArray(theta).subi(Nd4j.createFromArray(v).muli(1e-4)));
        double down = d.score(data, false);
        p.assign(Nd4j.createFromArray(theta));
        double dot = 0;
        for (int j = 0; j < n; j++) {
            dot += g0[j] * v[j];
        }
        double units = (up - down) / 2e-4 / dot;
        double[][] hess = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                hess[i][j] = units * (rows[i][j] + rows[j][i]) / 2;
            }
        }
        return hess;
    }

    /** DL4J's backpropagated gradient at the copy's parameters, flattened in parameter order. */
    private static double[] gradient(MultiLayerNetwork d, INDArray x, INDArray y) {
        d.setInput(x);
        d.setLabels(y);
        d.computeGradientAndScore();
        return d.gradient().gradient().toDoubleVector();
    }
}
