package io.github.landscape4j.engine;

import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.study.internal.ScaleInvariance;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The positive control of Dinh, Pascanu, Bengio, Bengio (ICML 2017): rescaling a ReLU network's layers
 * ({@code W1, b1 → αW1, αb1}; {@code W2 → W2/α}) leaves the function, so the losses and accuracies, unchanged. The
 * measures the study marks scale-invariant ({@link ScaleInvariance}) must not move; the others must, as predicted:
 * the output layer's curvature grows by about α², so λ_max and the trace rise, and Keskar's box ε(|θ|+1) does not
 * follow the weights, so ε-sharpness changes. On a real DL4J ReLU/softmax MLP, through the engine's front door.
 */
class DinhRescalingTest {
    private static final double ALPHA = 4;

    @Test
    void invariantMeasuresStayAndTheOthersMoveUnderALayerRescaling() {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1); // 20-16-3, ReLU, softmax
        List<DataSet> data = TestNets.data(10, 16, 20, 21);
        TestNets.train(net, data, 3);
        MultiLayerNetwork scaled = net.clone();
        scaled.getParam("0_W").muli(ALPHA);
        scaled.getParam("0_b").muli(ALPHA);
        scaled.getParam("1_W").divi(ALPHA);
        DataSet all = DataSet.merge(data);
        assertThat(scaled.output(all.getFeatures()).sub(net.output(all.getFeatures())).amaxNumber().doubleValue())
                .as("the same function").isLessThan(1e-5);

        Probe probe = Probes.of(all, 160, "train");
        SnapshotConfig c = LandscapeConfig.parse(Map.of("grid", "3", "planes", "none", "slices", "false",
                "perTensorMeasures", "false", "hutchinson", "20", "traceSe", "0")).snapshots();
        Snapshot before = LandscapeEngine.builder(net).config(c).seed(5).build()
                .snapshot(SnapshotRequest.of(probe).at(0, 30, 3, 0));
        Snapshot after = LandscapeEngine.builder(scaled).config(c).seed(5).build()
                .snapshot(SnapshotRequest.of(probe).at(0, 30, 3, 0));

        // invariant: the function's own numbers, adaptive sharpness (its box follows |θ_i|) and random sharpness along
        // filter-normalized directions (they follow each filter's norm)
        for (String key : List.of("train_loss", "train_accuracy", "sharpness_adaptive", "sharpness_random_mean",
                "sharpness_random_max")) {
            assertThat(ScaleInvariance.of(key, "filter").invariant()).as(key + " is marked invariant").isTrue();
            assertThat(after.measure(key)).as(key).isCloseTo(before.measure(key),
                    within(1e-3 * Math.abs(before.measure(key)) + 1e-7));
        }
        // not invariant, as predicted
        for (String key : List.of("hessian_top", "hessian_trace", "sharpness_eps", "probe_gradient_norm")) {
            assertThat(ScaleInvariance.of(key, "filter").invariant()).as(key + " is marked not invariant").isFalse();
            // ten times the invariant ones' tolerance (ε-sharpness moves least: its box is mostly the "+1")
            assertThat(Math.abs(after.measure(key) / before.measure(key) - 1)).as(key + " moves").isGreaterThan(0.01);
        }
        assertThat(after.measure("hessian_top")).as("the output layer's curvature grows about α²")
                .isGreaterThan(2 * before.measure("hessian_top"));
        System.out.printf("landscape4j Dinh control, α = %.0f: λ_max %.4g -> %.4g, trace %.4g -> %.4g, ε-sharpness %.4g"
                        + " -> %.4g; adaptive %.4g -> %.4g, random mean %.4g -> %.4g%n", ALPHA,
                before.measure("hessian_top"), after.measure("hessian_top"), before.measure("hessian_trace"),
                after.measure("hessian_trace"), before.measure("sharpness_eps"), after.measure("sharpness_eps"),
                before.measure("sharpness_adaptive"), after.measure("sharpness_adaptive"),
                before.measure("sharpness_random_mean"), after.measure("sharpness_random_mean"));
    }
}
