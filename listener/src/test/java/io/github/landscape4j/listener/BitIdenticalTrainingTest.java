package io.github.landscape4j.listener;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Training with the listener gives bit-identical parameters and updater state to training without it. */
class BitIdenticalTrainingTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"mlp-dropout", "cnn-batchnorm", "graph"})
    void listenerDoesNotChangeTraining(String which) {
        Supplier<Model> factory = switch (which) {
            case "mlp-dropout" -> TestNets::mlpWithDropout;
            case "cnn-batchnorm" -> TestNets::cnnWithBatchNorm;
            default -> TestNets::graph;
        };
        List<DataSet> data = which.startsWith("cnn") ? TestNets.images(6, 16, 1) : TestNets.data(6, 16, 20, 1);

        Model without = factory.get();
        TestNets.train(without, data, 2);

        Model with = factory.get();
        try (LandscapeListener listener = LandscapeListener.builder().store(dir.resolve(which + ".db"))
                .checkpointEvery(2).probeSize(32).snapshotEvery(3).grid(5).sharpnessK(3).ascentSteps(2)
                .hessianIterations(3).hutchinson(2).build()) {
            with.addListeners(listener);
            TestNets.train(with, data, 2);
            listener.flush();
            assertThat(listener.faulted()).isFalse();
            assertThat(listener.snapshotCount()).as("snapshots were taken during training").isGreaterThanOrEqualTo(3);
            assertThat(listener.store().orElseThrow().scalars(listener.runs().get(0).runId()).size()).isEqualTo(12);
        }

        assertThat(with.params().toFloatVector()).containsExactly(without.params().toFloatVector());
        assertThat(updaterState(with).toFloatVector()).containsExactly(updaterState(without).toFloatVector());
    }

    private static INDArray updaterState(Model m) {
        return m instanceof MultiLayerNetwork n ? n.getUpdater().getStateViewArray()
                : ((ComputationGraph) m).getUpdater().getStateViewArray();
    }
}
