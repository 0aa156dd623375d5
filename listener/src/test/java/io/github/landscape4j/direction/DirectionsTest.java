package io.github.landscape4j.direction;

import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.store.ParameterTensor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DirectionsTest {

    @Test
    void filterNormalizationMatchesEachFilterNormAndLeavesBatchNormStatisticsAlone() {
        MultiLayerNetwork cnn = TestNets.cnnWithBatchNorm();
        List<ParameterTensor> tensors = Models.tensors(cnn);
        INDArray theta = cnn.params().dup();
        double before = Nd4j.getRandom().nextDouble();
        Nd4j.getRandom().setSeed(99);
        double expectedNext = Nd4j.getRandom().nextDouble();
        Nd4j.getRandom().setSeed(99);
        INDArray d = new Directions(tensors, Normalization.FILTER, true)
                .random(Nd4j.getRandomFactory().getNewRandomInstance(1), theta);
        assertThat(Nd4j.getRandom().nextDouble()).as("ND4J's global random stream is untouched")
                .isEqualTo(expectedNext);
        assertThat(before).isNotNaN();
        for (ParameterTensor t : tensors) {
            INDArray dt = Directions.segment(d, t);
            String suffix = t.name().substring(t.name().indexOf('_') + 1);
            if (suffix.equals("mean") || suffix.equals("var")) {
                assertThat(dt.amaxNumber().doubleValue()).as(t.name()).isZero();
            } else if (t.name().equals("0_W")) { // conv [nOut=4, nIn=1, 3, 3]: filter j is W[j, ...]
                INDArray w = Directions.segment(theta, t).reshape('c', 4, 9);
                INDArray dw = dt.reshape('c', 4, 9);
                for (int j = 0; j < 4; j++) {
                    assertThat(dw.getRow(j).norm2Number().doubleValue())
                            .isCloseTo(w.getRow(j).norm2Number().doubleValue(), within(1e-5));
                }
            } else if (t.name().equals("3_W")) { // dense [nIn, nOut] in 'f' order: filter j is column j
                long[] s = t.shape();
                INDArray w = Directions.segment(theta, t).reshape('f', s[0], s[1]);
                INDArray dw = dt.reshape('f', s[0], s[1]);
                for (int j = 0; j < s[1]; j++) {
                    assertThat(dw.getColumn(j).norm2Number().doubleValue())
                            .isCloseTo(w.getColumn(j).norm2Number().doubleValue(), within(1e-5));
                }
            }
        }
        INDArray withoutBias = new Directions(tensors, Normalization.FILTER, false)
                .random(Nd4j.getRandomFactory().getNewRandomInstance(1), theta);
        for (ParameterTensor t : tensors) {
            if (t.name().endsWith("_b") || t.name().endsWith("gamma") || t.name().endsWith("beta")) {
                assertThat(Directions.segment(withoutBias, t).amaxNumber().doubleValue()).as(t.name()).isZero();
            }
        }
    }

    @Test
    void aDirectionRestrictedToOneTensorIsTheWholeDirectionRestrictedToIt() {
        MultiLayerNetwork cnn = TestNets.cnnWithBatchNorm();
        List<ParameterTensor> tensors = Models.tensors(cnn);
        INDArray theta = cnn.params().dup();
        Directions directions = new Directions(tensors, Normalization.FILTER, true);
        for (ParameterTensor only : tensors) {
            // several draws from one normalizer (its filter norms computed once) against the plain path
            org.nd4j.linalg.api.rng.Random a = Nd4j.getRandomFactory().getNewRandomInstance(5);
            org.nd4j.linalg.api.rng.Random b = Nd4j.getRandomFactory().getNewRandomInstance(5);
            Directions.At at = directions.at(theta);
            for (int k = 0; k < 3; k++) {
                INDArray restricted = at.random(a, only);
                INDArray whole = directions.random(b, theta);
                Directions.restrictTo(whole, only);
                assertThat(restricted.equalsWithEps(whole, 1e-6)).as("%s, draw %d", only.name(), k).isTrue();
                if (only.name().endsWith("_W")) { // not all-zero: biases start at zero, so do their directions
                    assertThat(Directions.segment(restricted, only).norm2Number().doubleValue()).as(only.name())
                            .isPositive();
                }
            }
        }
    }
}
