package io.github.landscape4j.direction;

import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Probes;
import io.github.landscape4j.surface.internal.SurfaceComputer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Dinh et al. 2017: scaling a ReLU layer's weights and bias by c and the next layer's weights by 1/c gives the same
 * function. With filter-normalized directions its surface is the original's; with raw directions it is not.
 */
class ScaleTrapTest {

    @Test
    void filterNormalizedSurfaceIsScaleInvariantRawIsNot() {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        TestNets.train(net, TestNets.data(20, 16, 20, 21), 2);
        MultiLayerNetwork scaled = net.clone();
        double c = 7.0;
        scaled.getParam("0_W").muli(c);
        scaled.getParam("0_b").muli(c);
        scaled.getParam("1_W").divi(c);
        DataSet data = DataSet.merge(TestNets.data(4, 16, 20, 22));
        Probe probe = Probes.of(data, 64, "test");
        assertThat(scaled.output(data.getFeatures()).ravel().toDoubleVector())
                .containsExactly(net.output(data.getFeatures()).ravel().toDoubleVector(),
                        org.assertj.core.data.Offset.offset(1e-4));

        double[][] original = surface(net, probe, Normalization.FILTER);
        double[][] rescaled = surface(scaled, probe, Normalization.FILTER);
        double maxDiff = 0;
        for (int j = 0; j < original.length; j++) {
            for (int i = 0; i < original[j].length; i++) {
                assertThat(rescaled[j][i]).isCloseTo(original[j][i], within(1e-4 * (1 + original[j][i])));
                maxDiff = Math.max(maxDiff, Math.abs(rescaled[j][i] - original[j][i]));
            }
        }
        double[][] rawOriginal = surface(net, probe, Normalization.NONE);
        double[][] rawRescaled = surface(scaled, probe, Normalization.NONE);
        double rawDiff = 0;
        for (int j = 0; j < rawOriginal.length; j++) {
            for (int i = 0; i < rawOriginal[j].length; i++) {
                rawDiff = Math.max(rawDiff, Math.abs(rawRescaled[j][i] - rawOriginal[j][i]));
            }
        }
        assertThat(rawDiff).as("raw directions see the rescaling (filter-normalized max diff %s)", maxDiff)
                .isGreaterThan(0.05);
    }

    private static double[][] surface(MultiLayerNetwork net, Probe probe, Normalization normalization) {
        List<ParameterTensor> tensors = Models.tensors(net);
        Directions directions = new Directions(tensors, normalization, false);
        INDArray theta = net.params().dup();
        INDArray d1 = directions.random(Nd4j.getRandomFactory().getNewRandomInstance(5), theta);
        INDArray d2 = directions.random(Nd4j.getRandomFactory().getNewRandomInstance(6), theta);
        ProbeModel model = ProbeModel.of(net, null);
        double[] axis = SurfaceComputer.linspace(-0.5, 0.5, 5);
        return new SurfaceComputer(model).plane(theta, d1, d2, axis, axis, probe, null)[0].loss();
    }
}
