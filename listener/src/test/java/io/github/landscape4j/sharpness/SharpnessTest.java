package io.github.landscape4j.sharpness;

import io.github.landscape4j.direction.Normalization;
import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.sharpness.internal.Sharpness;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keskar's ε-sharpness maximizes the loss over the ε-box; on a trained network its loss increase is at least the
 * largest increase found by the random filter-normalized perturbations at the same ε.
 */
class SharpnessTest {

    @Test
    void epsilonSharpnessIsAtLeastRandomPerturbationSharpness() {
        MultiLayerNetwork net = trained();
        Probe probe = probe();
        ProbeModel model = ProbeModel.of(net, null);
        ProbeModel doubleModel = ProbeModel.of(net, DataType.DOUBLE);
        Directions directions = new Directions(Models.tensors(net), Normalization.FILTER, false);
        Sharpness sharpness = new Sharpness(model, directions);
        INDArray theta = net.params().dup();
        model.load(theta);
        double base = model.evaluate(probe).loss();
        for (double eps : new double[]{1e-3, 5e-4}) {
            Sharpness.Random2 random = sharpness.randomPerturbation(theta, base, probe, 20, eps,
                    Nd4j.getRandomFactory().getNewRandomInstance(3), null);
            Sharpness.Ascent keskar = sharpness.epsilonSharpness(doubleModel, theta.castTo(DataType.DOUBLE), base,
                    probe, eps, 10, false, true, Nd4j.getRandomFactory().getNewRandomInstance(4));
            double ascent = keskar.maxLoss() - base;
            assertThat(ascent).as("ε=%s: ascent %s vs random max %s", eps, ascent, random.max())
                    .isGreaterThanOrEqualTo(random.max());
            assertThat(keskar.sharpness()).isCloseTo(100 * ascent / (1 + base), org.assertj.core.data.Offset.offset(1e-9));
            double adaptive = sharpness.epsilonSharpness(doubleModel, theta.castTo(DataType.DOUBLE), base, probe, eps,
                    10, true, true, Nd4j.getRandomFactory().getNewRandomInstance(4)).sharpness();
            assertThat(adaptive).isPositive().isLessThan(keskar.sharpness()); // the |θ|-scaled box lies inside the (|θ|+1) box
        }
    }

    @Test
    void randomSharpnessCarriesTheStandardErrorOfItsMeanOverTheDirections() {
        MultiLayerNetwork net = trained();
        Probe probe = probe();
        ProbeModel model = ProbeModel.of(net, null);
        Directions directions = new Directions(Models.tensors(net), Normalization.FILTER, false);
        INDArray theta = net.params().dup();
        model.load(theta);
        double base = model.evaluate(probe).loss();
        int k = 12;
        double eps = 0.05;
        Sharpness.Random2 r = new Sharpness(model, directions).randomPerturbation(theta, base, probe, k, eps,
                Nd4j.getRandomFactory().getNewRandomInstance(3), null);
        // the same draws, scored by DL4J's own score of a copy of the network
        MultiLayerNetwork copy = net.clone();
        DataSet data = new DataSet(probe.features()[0], probe.labels()[0]);
        Directions.At at = directions.at(theta);
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(3);
        double[] deltas = new double[k];
        for (int i = 0; i < k; i++) {
            copy.setParams(theta.add(at.random(rng, null).mul(eps)).reshape(1, theta.length()));
            deltas[i] = Math.abs(copy.score(data, false) - base);
        }
        org.apache.commons.math3.stat.descriptive.DescriptiveStatistics st =
                new org.apache.commons.math3.stat.descriptive.DescriptiveStatistics(deltas);
        assertThat(r.mean()).isCloseTo(st.getMean(), org.assertj.core.data.Offset.offset(1e-5 * st.getMean()));
        assertThat(r.max()).isCloseTo(st.getMax(), org.assertj.core.data.Offset.offset(1e-5 * st.getMax()));
        double se = st.getStandardDeviation() / Math.sqrt(k);
        assertThat(r.meanSe()).isPositive().isCloseTo(se, org.assertj.core.data.Offset.offset(1e-3 * se));
    }

    /** A small SGD MLP after three epochs. */
    private static MultiLayerNetwork trained() {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        TestNets.train(net, TestNets.data(30, 16, 20, 41), 3);
        return net;
    }

    private static Probe probe() {
        return Probes.of(DataSet.merge(TestNets.data(8, 16, 20, 42)), 128, "test");
    }
}
