package io.github.landscape4j.surface;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.Snapshot;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code curvature=all} (the default) measures the gradient norm over every trainable parameter, {@code weights} over
 * the weight tensors only: on the same model and probe the first is the norm of the whole gradient, the second of
 * its weight part, and the Pythagorean sum of the weight part and the bias part (computed here from DL4J's own
 * gradient) gives the first.
 */
class CurvatureScopeTest {

    @Test
    void gradientNormOfAllParametersIncludesTheBiases() {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        List<DataSet> train = TestNets.data(6, 16, 20, 31);
        DataSet probe = DataSet.merge(TestNets.data(4, 16, 20, 32));
        TestNets.train(net, train, 1);
        INDArray[] at = new INDArray[2];
        double all = gradientNorm(net, train, probe, true, at, 0);
        double weights = gradientNorm(net, train, probe, false, at, 1);
        assertThat(at[0]).isEqualTo(at[1]); // both measured at the same point
        net.setParams(at[0]);

        net.setInput(probe.getFeatures());
        net.setLabels(probe.getLabels());
        net.computeGradientAndScore();
        double w2 = 0;
        double b2 = 0;
        for (var e : net.gradient().gradientForVariable().entrySet()) {
            double n = e.getValue().norm2Number().doubleValue() / probe.numExamples();
            if (e.getKey().endsWith("_b")) {
                b2 += n * n;
            } else {
                w2 += n * n;
            }
        }
        assertThat(b2).isPositive();
        assertThat(weights).isCloseTo(Math.sqrt(w2), within(1e-4 * Math.sqrt(w2)));
        assertThat(all).isCloseTo(Math.sqrt(w2 + b2), within(1e-4 * Math.sqrt(w2 + b2)));
    }

    private static double gradientNorm(MultiLayerNetwork trained, List<DataSet> train, DataSet probe, boolean all,
                                       INDArray[] at, int slot) {
        MultiLayerNetwork net = trained.clone();
        StatsStorage storage = new InMemoryStatsStorage();
        try (LandscapeListener listener = LandscapeListener.builder().router(storage).probe(probe).snapshotEvery(1000)
                .grid(3).planes().slices(false).sharpnessK(0).ascentSteps(0).hessianIterations(1).hutchinson(0)
                .perTensorMeasures(false).curvatureAll(all).build()) {
            net.setListeners(listener);
            net.fit(train.get(0)); // one step with the listener, so it knows the model
            INDArray before = net.params().dup();
            Snapshot s = listener.snapshotNow(net).orElseThrow();
            assertThat(net.params()).isEqualTo(before);
            at[slot] = before;
            return s.measure("probe_gradient_norm");
        }
    }
}
