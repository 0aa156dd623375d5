package io.github.landscape4j.listener;

import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.ScalarSeries;
import io.github.landscape4j.store.Snapshot;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.OptimizationAlgorithm;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A model whose parameters are set from outside {@code fit}, as dl4j-spark's parameter averaging sets the driver's
 * model between rounds (two workers start from its parameters, train, and it gets their average, its iteration count
 * advanced by the averaging frequency): it computes no gradient, yet its steps, checkpoints and snapshots are recorded,
 * through {@code iterationDone} or {@link LandscapeListener#step}, with nothing thrown and no false notice.
 */
class ExternallyUpdatedModelTest {
    private static final int BATCH = 16;

    @TempDir
    Path dir;

    /** The driver of a parameter-averaging loop: two workers without listeners, {@code averaging} fits each a round. */
    private static final class Driver {
        final Model model;
        final Model[] workers;
        final List<DataSet> data = TestNets.data(40, BATCH, 20, 5);
        final int averaging;
        int next;
        /** The parameters after each round, as the workers' average left them. */
        final List<float[]> rounds = new ArrayList<>();

        Driver(boolean graph, int averaging) {
            this.model = graph ? TestNets.graph() : TestNets.mlpSgd(0.1);
            this.workers = graph ? new Model[]{TestNets.graph(), TestNets.graph()}
                    : new Model[]{TestNets.mlpSgd(0.1), TestNets.mlpSgd(0.1)};
            this.averaging = averaging;
        }

        /** One round: the workers start from the driver's parameters; the driver gets their average and score. */
        void round() {
            double score = 0;
            for (Model w : workers) {
                w.setParams(model.params());
                for (int i = 0; i < averaging; i++) {
                    DataSet d = data.get(next++ % data.size());
                    if (w instanceof MultiLayerNetwork m) {
                        m.fit(d);
                    } else {
                        ((ComputationGraph) w).fit(d);
                    }
                }
                score += w.score() / workers.length;
            }
            INDArray average = workers[0].params().add(workers[1].params()).divi(2);
            model.setParams(average);
            if (model instanceof MultiLayerNetwork m) { // as dl4j-spark advances it
                m.getLayerWiseConfigurations().setIterationCount(m.getIterationCount() + averaging);
                m.setScore(score);
            } else {
                ComputationGraph g = (ComputationGraph) model;
                g.getConfiguration().setIterationCount(g.getIterationCount() + averaging);
                g.setScore(score);
            }
            rounds.add(average.toFloatVector());
        }

        int iteration() {
            return model instanceof MultiLayerNetwork m ? m.getIterationCount()
                    : ((ComputationGraph) model).getIterationCount();
        }

        DataSet probe() {
            return DataSet.merge(data.subList(0, 4));
        }
    }

    /**
     * A loop that calls the model's listeners as fit would, after each round: before the fix the first call threw a
     * NullPointerException inside (the model has no gradient), recording stopped, and at close the schedule "never
     * fired" although a snapshot had been taken.
     */
    @Test
    void iterationDoneOnADriverRecordsItsSteps() throws Exception {
        Path file = dir.resolve("driver.db");
        Driver d = new Driver(false, 2);
        String err = Stderr.of(() -> {
            try (LandscapeListener l = quickSnapshots(file, d).tensorEvery(1).build()) {
                d.model.setListeners(l);
                for (int round = 0; round < 6; round++) {
                    d.round();
                    l.iterationDone(d.model, d.iteration(), 0);
                }
                assertThat(l.snapshotNow(d.model)).isPresent();
                assertThat(l.faulted()).isFalse();
            }
        });
        assertThat(err).doesNotContain("Exception", "stopped after a fault", "never fired", "no landscape snapshot");
        assertThat(err.split("came without a gradient", -1)).hasSize(2); // said once

        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            RunInfo run = store.listRuns().get(0);
            ScalarSeries s = store.scalars(run.runId());
            assertThat(s.iteration()).containsExactly(2, 4, 6, 8, 10, 12);
            assertThat(Arrays.stream(s.gradientNorm())).allMatch(v -> v.isNaN()); // absent, not zero
            assertThat(Arrays.stream(s.gradientNormByTensor().get("0_W"))).allMatch(v -> v.isNaN());
            assertThat(s.updateNorm()[0]).isNaN(); // no step before the first one to measure from
            for (int i = 0; i < s.size(); i++) {
                float[] p = d.rounds.get(i);
                assertThat(s.weightNorm()[i]).as("weight norm, row %d", i).isCloseTo(norm(p, null), within(1e-4));
                assertThat(s.score()[i]).isPositive();
                if (i > 0) {
                    double change = norm(p, d.rounds.get(i - 1));
                    assertThat(change).isPositive();
                    assertThat(s.updateNorm()[i]).as("update norm, row %d", i).isCloseTo(change, within(1e-5));
                    assertThat(Math.sqrt(sumOfSquares(s, i))).isCloseTo(s.updateNorm()[i], within(1e-5));
                }
            }
            assertThat(store.snapshots(run.runId())).extracting(Snapshot::iteration).containsSubsequence(4L, 8L, 12L);
            assertThat(store.checkpoints(run.runId())).extracting(Checkpoint::kind)
                    .containsExactly(Checkpoint.Kind.INITIAL, Checkpoint.Kind.FINAL);
            assertThat(store.checkpoints(run.runId()).get(1).params()).containsExactly(d.rounds.get(5));
        }
        assertThat(d.model.params().toFloatVector()).containsExactly(d.rounds.get(5)); // the listener wrote nothing
    }

    @Test
    void stepRecordsAMultiLayerNetworkTrainedElsewhere() throws Exception {
        stepRecordsAModelTrainedElsewhere(false);
    }

    @Test
    void stepRecordsAComputationGraphTrainedElsewhere() throws Exception {
        stepRecordsAModelTrainedElsewhere(true);
    }

    /**
     * The public way: {@code step} before the first round (the initial parameters) and after each; rounds of 3
     * iterations, so {@code every:4} is due where a step crosses a multiple of 4 (0, 6, 9, 12), and the final snapshot
     * at close (15).
     */
    private void stepRecordsAModelTrainedElsewhere(boolean graph) throws Exception {
        Path file = dir.resolve(graph ? "graph.db" : "mlp.db");
        Driver d = new Driver(graph, 3);
        float[] initial = d.model.params().toFloatVector();
        String err = Stderr.of(() -> {
            try (LandscapeListener l = quickSnapshots(file, d).build()) {
                l.step(d.model);
                for (int round = 0; round < 5; round++) {
                    d.round();
                    l.step(d.model);
                }
                l.step(d.model); // no round since: not after the last step, not recorded
                assertThat(l.faulted()).isFalse();
            }
        });
        assertThat(err).doesNotContain("Exception", "stopped after a fault", "never fired", "no landscape snapshot");
        assertThat(err.split("not after the last step", -1)).hasSize(2);

        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            RunInfo run = store.listRuns().get(0);
            ScalarSeries s = store.scalars(run.runId());
            assertThat(s.iteration()).containsExactly(0, 3, 6, 9, 12, 15);
            assertThat(Arrays.stream(s.gradientNorm())).allMatch(v -> v.isNaN());
            assertThat(s.score()[0]).isNaN(); // DL4J's default score of a model that never computed one
            assertThat(s.score()[1]).isPositive();
            assertThat(s.updateNorm()[0]).isNaN();
            assertThat(s.updateNorm()[1]).isCloseTo(norm(d.rounds.get(0), initial), within(1e-5));
            assertThat(s.updateNorm()[5]).isCloseTo(norm(d.rounds.get(4), d.rounds.get(3)), within(1e-5));
            assertThat(store.snapshots(run.runId())).extracting(Snapshot::iteration)
                    .containsExactly(0L, 6L, 9L, 12L, 15L);
            List<Checkpoint> checkpoints = store.checkpoints(run.runId());
            assertThat(checkpoints).extracting(Checkpoint::kind)
                    .containsExactly(Checkpoint.Kind.INITIAL, Checkpoint.Kind.FINAL);
            assertThat(checkpoints.get(0).params()).containsExactly(initial);
            assertThat(checkpoints.get(1).iteration()).isEqualTo(15);
        }
    }

    /** Without a probe given, a model no minibatch passes through gets no snapshot, and the end says why. */
    @Test
    void aDriverWithoutAProbeSaysWhyItHasNoSnapshot() throws Exception {
        Driver d = new Driver(false, 2);
        String err = Stderr.of(() -> {
            try (LandscapeListener l = LandscapeListener.builder().store(dir.resolve("noprobe.db"))
                    .snapshot("every:2").build()) {
                for (int round = 0; round < 3; round++) {
                    d.round();
                    l.step(d.model);
                }
            }
        });
        assertThat(err).contains("with no landscape snapshot: no minibatch reached the model", "probe(DataSet)")
                .doesNotContain("never fired", "Exception");
    }

    /**
     * Training in fit is never taken for steps from outside: every row has its gradient norm, nothing is said; with
     * dropout and Adam, with a line-search optimizer (LBFGS), with truncated BPTT (two updates per minibatch).
     */
    @Test
    void stepsInFitAreNotTakenForStepsFromOutside() throws Exception {
        List<DataSet> data = TestNets.data(10, BATCH, 20, 6);
        assertRecordedInFit(TestNets.mlpWithDropout(), data, 20);
        MultiLayerNetwork lbfgs = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(TestNets.SEED)
                .optimizationAlgo(OptimizationAlgorithm.LBFGS).updater(new Sgd(0.1)).list()
                .layer(new DenseLayer.Builder().nIn(20).nOut(8).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        lbfgs.init();
        assertRecordedInFit(lbfgs, data, -1);
        MultiLayerNetwork tbptt = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(TestNets.SEED)
                .updater(new Adam(1e-2)).list()
                .layer(new LSTM.Builder().nIn(3).nOut(5).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .backpropType(BackpropType.TruncatedBPTT).tBPTTLength(AnyNets.T / 2).build());
        tbptt.init();
        assertRecordedInFit(tbptt, List.of(AnyNets.sequences(16, 1), AnyNets.sequences(16, 2)), 8);
    }

    /** Trains {@code net} on {@code data} for 2 epochs; {@code rows}: the rows expected (-1: any number). */
    private void assertRecordedInFit(MultiLayerNetwork net, List<DataSet> data, int rows) throws Exception {
        Path file = dir.resolve("fit-" + System.nanoTime() + ".db");
        String err = Stderr.of(() -> {
            try (LandscapeListener l = LandscapeListener.builder().store(file).every(1).snapshot("off").build()) {
                net.setListeners(l);
                TestNets.train(net, data, 2);
            }
        });
        assertThat(err).doesNotContain("without a gradient", "Exception");
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            ScalarSeries s = store.scalars(store.listRuns().get(0).runId());
            assertThat(s.size()).isPositive();
            if (rows >= 0) {
                assertThat(s.size()).isEqualTo(rows);
            }
            assertThat(Arrays.stream(s.gradientNorm())).allMatch(g -> g > 0);
            assertThat(Arrays.stream(s.updateNorm())).allMatch(u -> u >= 0);
        }
    }

    /** A row each step, every:4 snapshots of the cheapest kind on the driver's probe. */
    private static LandscapeListenerBuilder quickSnapshots(Path file, Driver d) {
        return LandscapeListener.builder().store(file).snapshot("every:4").every(1).probe(d.probe()).planes("random")
                .slices(false).grid(3).sharpnessK(0).ascentSteps(0).hessianIterations(0).hutchinson(0)
                .perTensorMeasures(false);
    }

    /** L2 norm of {@code a - b} ({@code b} null: of {@code a}). */
    private static double norm(float[] a, float[] b) {
        double sq = 0;
        for (int i = 0; i < a.length; i++) {
            double v = a[i] - (b == null ? 0 : b[i]);
            sq += v * v;
        }
        return Math.sqrt(sq);
    }

    private static double sumOfSquares(ScalarSeries s, int row) {
        return s.updateNormByTensor().values().stream().mapToDouble(v -> v[row] * v[row]).sum();
    }
}
