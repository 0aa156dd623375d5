package io.github.landscape4j.listener;

import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.Surface;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model whose periodic checkpoints do not fit {@code checkpointMB} still gets a PCA plane, from the Frequent
 * Directions sketch of its trajectory: finite grids, a path, axis labels that name the sketch; the store keeps only
 * the initial and final checkpoints, within the budget; training is bit-identical to training without the listener.
 */
class SketchedTrajectoryListenerTest {

    @TempDir
    Path dir;

    /** 250,000 parameters: 1 MB a checkpoint. */
    private static MultiLayerNetwork net() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .updater(new Sgd(0.05)).list()
                .layer(new DenseLayer.Builder().nIn(20).nOut(499).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(499).nOut(478)
                        .activation(Activation.IDENTITY).build()).build());
        net.init();
        return net;
    }

    private static void train(MultiLayerNetwork net, DataSet data) {
        Nd4j.getRandom().setSeed(42);
        for (int i = 0; i < 16; i++) {
            net.fit(data);
        }
    }

    @Test
    void aModelPastTheCheckpointBudgetGetsASketchedPcaPlane() throws Exception {
        DataSet data = new DataSet(TestNets.data(1, 8, 20, 18).get(0).getFeatures(),
                Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 8, 478));
        MultiLayerNetwork without = net();
        train(without, data);

        MultiLayerNetwork with = net();
        assertThat(4 * with.numParams()).isBetween(990_000L, 1_000_000L);
        Path file = dir.resolve("sketched.db");
        // 3 MB: initial, final and the copy in flight; no room for two periodic checkpoints
        try (LandscapeListener l = LandscapeListener.builder().store(file).runName("sketched").probe(data)
                .planes("pca").slices(false).grid(5).sharpnessK(0).ascentSteps(0).hessianIterations(0)
                .hutchinson(0).perTensorMeasures(false).checkpointEvery(1).maxCheckpoints(8).checkpointMB(3)
                .snapshotEvery(8).build()) {
            with.addListeners(l);
            train(with, data);
            assertThat(l.faulted()).isFalse();
        }
        assertThat(with.params().toFloatVector()).containsExactly(without.params().toFloatVector());

        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            String run = store.listRuns().get(0).runId();
            assertThat(store.checkpoints(run)).extracting(Checkpoint::kind)
                    .containsExactly(Checkpoint.Kind.INITIAL, Checkpoint.Kind.FINAL);
            List<Snapshot> snaps = store.snapshots(run);
            assertThat(snaps).isNotEmpty();
            Snapshot last = snaps.get(snaps.size() - 1);
            Surface pca = last.surfaces().stream().filter(s -> s.plane().equals("pca")).findFirst().orElseThrow();
            assertThat(pca.axisLabels()).allMatch(label -> label.contains("Frequent Directions sketch, 3 rows"));
            assertThat(Arrays.stream(pca.trainLoss()).flatMapToDouble(Arrays::stream).allMatch(Double::isFinite))
                    .isTrue();
            // a checkpoint due while the writer still sketches two earlier ones is left out (logged), so on a loaded
            // machine some of the 16 are missing: the initial point and at least two more
            assertThat(pca.path().length).isGreaterThanOrEqualTo(3).isEqualTo(pca.pathIterations().length);
            assertThat(pca.pathIterations()[0]).isZero();
            assertThat(pca.explainedVariance()[0]).isBetween(0.5, 1.0);
            assertThat(pca.explainedVariance()[0] + pca.explainedVariance()[1]).isLessThanOrEqualTo(1.0 + 1e-9);
        }
        // two checkpoints within 3 MB; MapDB grows its file in 1 MiB steps and the scalars take a little
        assertThat(Files.size(file)).isLessThanOrEqualTo(3_000_000L + 2 * 1_048_576L);
    }
}
