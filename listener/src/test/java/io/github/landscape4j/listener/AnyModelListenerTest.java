package io.github.landscape4j.listener;

import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.Snapshot;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Under the listener, each model kind whose whole data set is smaller than the probe gets snapshots with finite
 * losses in DL4J's units: the final snapshot's train loss equals {@code model.score(data)} on the distinct examples,
 * each once. Also: {@code probeMin} for runs that end early, {@code holdout}, {@code snapshot=epoch} in a
 * {@code fit(DataSet)} loop, and the checkpoint byte budget.
 */
class AnyModelListenerTest {

    @TempDir
    Path dir;

    private LandscapeListenerBuilder cheap(String name) {
        return LandscapeListener.builder().store(dir.resolve(name + ".db")).runName(name).planes().slices(false)
                .sharpnessK(0).ascentSteps(0).hessianIterations(0).hutchinson(0).perTensorMeasures(false);
    }

    /** Trains with the listener, closes it, returns the run's snapshots. */
    private List<Snapshot> run(String name, Model model, LandscapeListenerBuilder b, Consumer<Model> train) {
        Path file = dir.resolve(name + ".db");
        try (LandscapeListener l = b.build()) {
            model.addListeners(l);
            train.accept(model);
            assertThat(l.faulted()).isFalse();
        }
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            return store.snapshots(store.listRuns().get(0).runId());
        }
    }

    private static void assertFinalLoss(List<Snapshot> snaps, double score, long examples) {
        assertThat(snaps).isNotEmpty();
        snaps.forEach(s -> assertThat(s.measure("train_loss")).isFinite());
        Snapshot last = snaps.get(snaps.size() - 1);
        assertThat(last.measure("train_loss")).isCloseTo(score, within(1e-5 * Math.max(1, score)));
        assertThat(last.probe().get("train")).startsWith(examples + " examples").contains("each once");
    }

    @Test
    void lstmWithMasks() {
        MultiLayerNetwork net = AnyNets.lstm();
        DataSet data = AnyNets.sequences(12, 11);
        List<Snapshot> snaps = run("lstm", net, cheap("lstm").snapshotEvery(5), m -> {
            for (int i = 0; i < 12; i++) {
                net.fit(data);
            }
        });
        assertFinalLoss(snaps, net.score(data, false), 12);
        assertThat(snaps.get(snaps.size() - 1).measure("train_accuracy")).isBetween(0.0, 1.0);
    }

    @Test
    void seq2seqGraphWithTwoInputs() {
        ComputationGraph g = AnyNets.seq2seq();
        MultiDataSet data = AnyNets.seq2seqData(10, 12);
        List<Snapshot> snaps = run("seq2seq", g, cheap("seq2seq").snapshotEvery(5), m -> {
            for (int i = 0; i < 12; i++) {
                g.fit(data);
            }
        });
        assertFinalLoss(snaps, g.score(data, false), 10);
    }

    @Test
    void twoHeadGraph() {
        ComputationGraph g = AnyNets.twoHeads();
        MultiDataSet data = AnyNets.twoHeadData(24, 13);
        List<Snapshot> snaps = run("heads", g, cheap("heads").snapshotEvery(5), m -> {
            for (int i = 0; i < 12; i++) {
                g.fit(data);
            }
        });
        assertFinalLoss(snaps, g.score(data, false), 24);
        Snapshot last = snaps.get(snaps.size() - 1);
        assertThat(last.measure("train_loss_out0") + last.measure("train_loss_out1"))
                .isCloseTo(last.measure("train_loss"), within(1e-5));
        assertThat(last.measure("train_accuracy")).isBetween(0.0, 1.0);
        assertThat(last.measure("train_mse")).isFinite();
    }

    @Test
    void regressionHasNoAccuracy() {
        MultiLayerNetwork net = AnyNets.regression();
        DataSet data = AnyNets.regressionData(20, 14);
        List<Snapshot> snaps = run("regression", net, cheap("regression").snapshotEvery(5), m -> {
            for (int i = 0; i < 12; i++) {
                net.fit(data);
            }
        });
        assertFinalLoss(snaps, net.score(data, false), 20);
        snaps.forEach(s -> assertThat(s.measures()).doesNotContainKey("train_accuracy").containsKey("train_mse"));
    }

    @Test
    void xorWithMiniBatchFalse() {
        MultiLayerNetwork net = AnyNets.xor();
        DataSet data = AnyNets.xorData();
        List<Snapshot> snaps = run("xor", net, cheap("xor").snapshotEvery(20), m -> {
            for (int i = 0; i < 60; i++) {
                net.fit(data);
            }
        });
        assertFinalLoss(snaps, net.score(data, false), 4);
    }

    @Test
    void aRunThatEndsBeforeItsProbeIsFullUsesWhatItSawEvenBelowProbeMinAndSaysSo() {
        DataSet data = DataSet.merge(TestNets.data(1, 40, 20, 15));
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        List<Snapshot> snaps = run("early", net, cheap("early").snapshotEvery(1000).probeMin(32), m -> net.fit(data));
        assertThat(snaps).hasSize(1);
        assertThat(snaps.get(0).probe().get("train")).startsWith("40 examples").contains("before the probe was full");
        MultiLayerNetwork other = TestNets.mlpSgd(0.1);
        List<Snapshot> few = run("tooFew", other, cheap("tooFew").snapshotEvery(1000).probeMin(64),
                m -> other.fit(data));
        assertThat(few).hasSize(1);
        assertThat(few.get(0).probe().get("train")).startsWith("40 examples")
                .contains("fewer than probeMin=64");
        assertThat(few.get(0).measure("train_loss")).isFinite();
    }

    @Test
    void holdoutKeepsEveryKthMinibatchOutOfTheTrainProbe() {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        List<DataSet> batches = TestNets.data(8, 10, 20, 16);
        List<Snapshot> snaps = run("holdout", net, cheap("holdout").holdout(4).probeSize(1000).snapshotEvery(100),
                m -> TestNets.train(net, batches, 2));
        Snapshot last = snaps.get(snaps.size() - 1);
        assertThat(last.probe().get("train")).startsWith("60 examples");
        assertThat(last.probe().get("validation")).startsWith("20 examples").contains("not from training");
        assertThat(last.measure("val_loss")).isFinite();
        assertThat(last.measure("gap")).isFinite();
    }

    @Test
    void epochScheduleFollowsDl4jsEpochCounterInAFitDataSetLoop() {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        List<DataSet> batches = TestNets.data(3, 10, 20, 17);
        List<Snapshot> snaps = run("epochs", net, cheap("epochs").snapshot("epoch"), m -> {
            for (int e = 0; e < 3; e++) {
                batches.forEach(net::fit);
                net.incrementEpochCount();
            }
        });
        // the counter moves after passes 1 and 2 (seen at the next iteration), then the final snapshot at close
        assertThat(snaps).extracting(Snapshot::iteration).containsExactly(3L, 6L, 8L);
        assertThat(snaps).extracting(Snapshot::epoch).containsExactly(1, 2, 2);
    }

    @Test
    void anUnsupportedOutputStopsSnapshotsNotRecording() {
        // a per-pixel loss (rank-4 outputs) is not scored: one message naming the layer, no snapshot
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .updater(new Sgd(0.1)).list()
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(1, 1).nIn(1).nOut(3)
                        .activation(Activation.IDENTITY).build())
                .layer(new org.deeplearning4j.nn.conf.layers.CnnLossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(2, 2, 1)).build());
        net.init();
        INDArray labels = org.nd4j.linalg.factory.Nd4j.zeros(10, 3, 2, 2);
        labels.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(0))
                .assign(1);
        List<DataSet> batches = List.of(new DataSet(TestNets.data(1, 10, 4, 19).get(0).getFeatures()
                .reshape(10, 1, 2, 2), labels));
        assertThat(run("cnnLoss", net, cheap("cnnLoss").snapshotEvery(1), m -> TestNets.train(net, batches, 6)))
                .isEmpty();
        try (LandscapeStore store = LandscapeStore.openExisting(dir.resolve("cnnLoss.db"))) {
            assertThat(store.scalars(store.listRuns().get(0).runId()).size()).isEqualTo(6);
        }
    }

    @Test
    void checkpointsOfABigModelStayWithinTheirByteBudget() throws Exception {
        // 250,000 parameters: 1 MB a checkpoint
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .updater(new Sgd(0.01)).list()
                .layer(new DenseLayer.Builder().nIn(20).nOut(499).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(499).nOut(478)
                        .activation(Activation.IDENTITY).build()).build());
        net.init();
        long bytes = 4 * net.numParams();
        assertThat(bytes).isBetween(990_000L, 1_000_000L);
        List<DataSet> data = List.of(new DataSet(TestNets.data(1, 8, 20, 18).get(0).getFeatures(),
                org.nd4j.linalg.factory.Nd4j.zeros(8, 478)));
        Path file = dir.resolve("big.db");
        try (LandscapeListener l = LandscapeListener.builder().store(file).snapshot("off").checkpointEvery(1)
                .maxCheckpoints(64).checkpointMB(5).build()) {
            net.addListeners(l);
            net.fit(new ExistingDataSetIterator(data));
            for (int i = 0; i < 12; i++) {
                net.fit(data.get(0));
            }
        }
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            RunInfo run = store.listRuns().get(0);
            List<Checkpoint> cps = store.checkpoints(run.runId());
            // 5 copies: initial, final and at most 2 periodic (one copy of room for the write before a thinning)
            assertThat(cps).extracting(Checkpoint::kind).containsOnly(Checkpoint.Kind.INITIAL,
                    Checkpoint.Kind.PERIODIC, Checkpoint.Kind.FINAL);
            assertThat(cps.stream().filter(c -> c.kind() == Checkpoint.Kind.PERIODIC).count()).isBetween(1L, 2L);
        }
        // checkpoints within 5 MB; MapDB grows its file in 1 MiB steps and the run's scalars take a little
        assertThat(Files.size(file)).isLessThanOrEqualTo(5_000_000L + 2 * 1_048_576L);
    }
}
