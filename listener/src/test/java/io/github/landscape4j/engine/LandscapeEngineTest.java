package io.github.landscape4j.engine;

import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.MeasureDescriptor;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The engine's front door on real DL4J networks (ReLU, softmax, batch norm): built from a live model, a stored
 * checkpoint of a real MapDB file and a ModelSerializer zip, it gives the same numbers, agrees with DL4J's own
 * {@code score}, never changes the model, and takes measures added as plug-ins.
 */
class LandscapeEngineTest {

    private static SnapshotConfig small() {
        return LandscapeConfig.parse(Map.of("grid", "5", "planes", "random", "sharpnessK", "2", "ascentSteps", "2",
                "hessianIterations", "3", "hutchinson", "2", "perTensorMeasures", "false")).snapshots();
    }

    @Test
    void aSnapshotOfALiveModelLeavesItUntouchedAndAgreesWithDl4jsScore() {
        MultiLayerNetwork net = TestNets.cnnWithBatchNorm(); // convolution, batch norm, ReLU, softmax
        List<DataSet> data = TestNets.images(4, 16, 3);
        TestNets.train(net, data, 1);
        INDArray before = net.params().dup();
        INDArray updaterBefore = net.getUpdater().getStateViewArray().dup();
        DataSet probe = DataSet.merge(data);
        LandscapeEngine engine = LandscapeEngine.builder(net).config(small()).seed(7).build();

        Snapshot s = engine.snapshot(SnapshotRequest.of(Probes.of(probe, 64, "test")));

        assertThat(net.params()).isEqualTo(before);
        assertThat(net.getUpdater().getStateViewArray()).isEqualTo(updaterBefore);
        // independent: DL4J's own inference-mode score of the same examples (no regularization configured)
        assertThat(s.measure("train_loss")).isCloseTo(net.score(probe, false), within(1e-5));
        assertThat(s.surfaces()).hasSize(1);
        assertThat(s.surfaces().get(0).trainLoss()[2][2]).isCloseTo(s.measure("train_loss"), within(1e-5));
        assertThat(s.measures()).containsKeys("sharpness_eps", "hessian_top", "hessian_trace", "hessian_trace_se",
                "probe_gradient_norm");
        assertThat(s.measure("diverged")).isZero();
    }

    @Test
    void aStoredCheckpointAndAModelFileGiveTheSameSnapshotAsTheLiveModel(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        List<DataSet> data = TestNets.data(6, 16, 20, 5);
        Path file = dir.resolve("runs.db");
        String runId;
        try (LandscapeListener l = LandscapeListener.builder().store(file).snapshot("off").build()) {
            net.setListeners(l);
            TestNets.train(net, data, 2);
            runId = l.runs().get(0).runId();
        }
        Probe probe = Probes.of(DataSet.merge(data), 96, "test");
        SnapshotRequest request = SnapshotRequest.of(probe);
        Snapshot live = LandscapeEngine.builder(net).config(small()).seed(3).build().snapshot(request);

        Snapshot stored;
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            RunInfo run = store.run(runId);
            Checkpoint last = store.checkpoints(runId).stream().filter(c -> c.kind() == Checkpoint.Kind.FINAL)
                    .findFirst().orElseThrow();
            assertThat(Nd4j.createFromArray(last.params())).isEqualTo(net.params().reshape(net.numParams()));
            assertThat(run.measures()).extracting(MeasureDescriptor::key)
                    .contains("train_loss", "sharpness_eps", "hessian_top", "edge_of_stability", "diverged");
            stored = LandscapeEngine.builder(run.modelClass(), run.modelConfigJson(),
                    Nd4j.createFromArray(last.params())).config(small()).seed(3).build().snapshot(request);
        }
        Path zip = dir.resolve("model.zip");
        ModelSerializer.writeModel(net, zip.toFile(), false);
        Snapshot fromFile = LandscapeEngine.builder(zip).config(small()).seed(3).build().snapshot(request);

        for (Snapshot other : List.of(stored, fromFile)) {
            assertThat(other.measure("train_loss")).isEqualTo(live.measure("train_loss"));
            assertThat(other.surfaces().get(0).trainLoss()).isEqualTo(live.surfaces().get(0).trainLoss());
            assertThat(other.measure("sharpness_random_mean")).isEqualTo(live.measure("sharpness_random_mean"));
            assertThat(other.measure("hessian_top")).isCloseTo(live.measure("hessian_top"), within(1e-9));
        }
        // the edge-of-stability ratio uses the learning rate the request gives (Sgd(0.1))
        Snapshot eos = LandscapeEngine.builder(net).config(small()).seed(3).build()
                .snapshot(request.withLearningRate(0.1));
        assertThat(eos.measure("edge_of_stability")).isEqualTo(eos.measure("hessian_top") * 0.1 / 2);
        assertThat(live.measures()).doesNotContainKey("edge_of_stability"); // no learning rate: not defined
    }

    @Test
    void aBadModelFileIsNamed(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("notes.zip"), "not a model");
        assertThatThrownBy(() -> LandscapeEngine.builder(text)).isInstanceOf(IOException.class)
                .hasMessageContaining("notes.zip").hasMessageContaining("ModelSerializer");
        assertThatThrownBy(() -> LandscapeEngine.builder(dir.resolve("missing.zip")))
                .isInstanceOf(IOException.class).hasMessageContaining("missing.zip");
        assertThatThrownBy(() -> LandscapeEngine.builder("Perceptron", "{}", Nd4j.zeros(3)))
                .hasMessageContaining("MultiLayerNetwork or ComputationGraph");
    }

    /** A measure added as a plug-in: the loss at half the parameters, checked against DL4J's score there. */
    static class HalfScaleLoss implements Measure {
        @Override
        public String name() {
            return "half-scale loss";
        }

        @Override
        public boolean enabled(EvaluationContext ctx) {
            return true;
        }

        @Override
        public List<MeasureDescriptor> descriptors(SnapshotConfig config) {
            return List.of(new MeasureDescriptor("half_scale_loss", "loss at θ/2", "loss", "loss", "", "all", "",
                    "train probe loss with every parameter halved"));
        }

        @Override
        public void compute(EvaluationContext ctx) {
            ctx.put("half_scale_loss", ctx.evaluate(ctx.centre().mul(0.5), ctx.train()).loss());
        }
    }

    @Test
    void aMeasureAddedAsAPlugInIsComputedStoredAndDescribed(@TempDir Path dir) {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        List<DataSet> data = TestNets.data(6, 16, 20, 9);
        DataSet probe = DataSet.merge(data);
        Path file = dir.resolve("runs.db");
        String runId;
        try (LandscapeListener l = LandscapeListener.builder().store(file).snapshot("every:6").probe(probe)
                .options(Map.of("grid", "3", "planes", "none", "slices", "false", "hessianIterations", "2",
                        "hutchinson", "0", "ascentSteps", "0", "sharpnessK", "0"))
                .measure(new HalfScaleLoss()).build()) {
            net.setListeners(l);
            TestNets.train(net, data, 1);
            runId = l.runs().get(0).runId();
        }
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            assertThat(store.run(runId).measures()).extracting(MeasureDescriptor::key).contains("half_scale_loss");
            List<Snapshot> all = store.snapshots(runId);
            Snapshot s = all.get(all.size() - 1);
            Checkpoint last = store.checkpoints(runId).stream().filter(c -> c.kind() == Checkpoint.Kind.FINAL)
                    .findFirst().orElseThrow();
            assertThat(s.iteration()).isEqualTo(last.iteration()); // the last snapshot is of the final parameters
            MultiLayerNetwork half = net.clone();
            half.setParams(net.params().mul(0.5));
            assertThat(s.measure("half_scale_loss")).isCloseTo(half.score(probe, false), within(1e-5));
            assertThat(s.measure("half_scale_loss")).isFinite();
            assertThat(s.measure("edge_of_stability")).isCloseTo(s.measure("hessian_top") * 0.1 / 2, within(1e-12));
        }
        assertThat(net.params()).isNotNull();
    }

    @Test
    void twoPartsWritingOneKeyAreRefused() {
        Measure clash = new HalfScaleLoss() {
            @Override
            public List<MeasureDescriptor> descriptors(SnapshotConfig config) {
                return List.of(new MeasureDescriptor("train_loss", "x", "loss", "loss", "", "all", "", ""));
            }
        };
        assertThatThrownBy(() -> LandscapeEngine.builder(TestNets.mlpSgd(0.1)).config(small()).measure(clash).build())
                .hasMessageContaining("train_loss").hasMessageContaining("already written");
        assertThat(LandscapeEngine.builder(TestNets.mlpSgd(0.1)).config(small()).build().measures())
                .extracting(MeasureDescriptor::key).doesNotHaveDuplicates();
        assertThat(Set.copyOf(LandscapeEngine.measures(small(), List.of()))).hasSameSizeAs(
                LandscapeEngine.measures(small(), List.of()));
    }
}
