package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.listener.AnyNets;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RecurrentGradient} against DL4J's own backward pass of the same private copy, in double precision: at the
 * first call (which checks itself), after the parameters move (a finite-difference point of a Hessian-vector
 * product), and through {@link ProbeModel#gradient} (scaled as DL4J's score); and the networks it leaves to DL4J.
 */
class RecurrentGradientTest {

    private static Probe probe(MultiDataSet d) {
        return new Probe(d.getFeatures(), d.getLabels(), d.getFeaturesMaskArrays(), d.getLabelsMaskArrays(), "test");
    }

    private static INDArray dl4j(ProbeModel m, Probe p) {
        return Models.gradient(m.network(), p.features(), p.labels(), p.featureMasks(), p.labelMasks());
    }

    /** The fast gradient at the centre and at three moved points equals DL4J's (relative to its largest value). */
    private static void sameGradients(Model net, Probe probe, DataType type, double tolerance) {
        ProbeModel m = ProbeModel.of(net, type);
        RecurrentForward f = RecurrentForward.of(m.network(), p -> Models.output(m.network(), p.features(),
                p.featureMasks(), p.labelMasks())).orElseThrow();
        INDArray centre = m.params().dup();
        Random random = new Random(3);
        for (int point = 0; point < 4; point++) {
            if (point > 0) {
                m.load(centre);
                m.params().addi(Nd4j.rand(random.nextLong(), centre.shape()).castTo(type).subi(0.5).muli(0.2));
            }
            INDArray own = f.gradient(probe, () -> dl4j(m, probe));
            assertThat(own).as("point " + point + ": the fast path was dropped").isNotNull();
            INDArray reference = dl4j(m, probe);
            double scale = reference.amaxNumber().doubleValue();
            assertThat(scale).isGreaterThan(0);
            assertThat(own.sub(reference).amaxNumber().doubleValue() / scale).as(type + " point " + point)
                    .isLessThanOrEqualTo(tolerance);
        }
    }

    @Test
    void seq2seqGraphWithMasksGivesDl4jsGradient() {
        ComputationGraph g = AnyNets.seq2seq();
        MultiDataSet train = AnyNets.seq2seqData(32, 3);
        for (int i = 0; i < 5; i++) {
            g.fit(train);
        }
        Probe probe = probe(AnyNets.seq2seqData(40, 4));
        sameGradients(g, probe, DataType.DOUBLE, 1e-11);
        sameGradients(g, probe, DataType.FLOAT, 2e-5);
    }

    @Test
    void stackedLstmsWithOtherActivationsAndLabelMasksGiveDl4jsGradient() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7)
                .updater(new Adam(1e-2)).weightInit(WeightInit.XAVIER).list()
                .layer(new LSTM.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                .layer(new LSTM.Builder().nOut(5).activation(Activation.SOFTSIGN)
                        .gateActivationFunction(Activation.HARDSIGMOID).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.recurrent(3)).build());
        net.init();
        DataSet d = AnyNets.sequences(24, 5);
        for (int i = 0; i < 5; i++) {
            net.fit(d);
        }
        sameGradients(net, Probes.of(AnyNets.sequences(30, 6), 30, "test"), DataType.DOUBLE, 1e-11);
        // padded at the start (DL4J's AlignmentMode.ALIGN_END): the masked steps come before the sequence
        DataSet d2 = AnyNets.sequences(30, 6);
        DataSet alignedEnd = new DataSet(reversed(d2.getFeatures()), reversed(d2.getLabels()),
                reversed(d2.getFeaturesMaskArray()), reversed(d2.getLabelsMaskArray()));
        sameGradients(net, Probes.of(alignedEnd, 30, "test"), DataType.DOUBLE, 1e-11);
    }

    /** {@code a} with its last (time) axis reversed. */
    private static INDArray reversed(INDArray a) {
        INDArray r = a.dup();
        long steps = a.size(a.rank() - 1);
        for (long t = 0; t < steps; t++) {
            (a.rank() == 3 ? r.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex
                    .all(), org.nd4j.linalg.indexing.NDArrayIndex.point(t)) : r.getColumn(t))
                    .assign(a.rank() == 3 ? a.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(
                                    steps - 1 - t)) : a.getColumn(steps - 1 - t));
        }
        return r;
    }

    @Test
    void probeModelGradientIsDl4jsScaledAsTheScore() {
        ComputationGraph g = AnyNets.seq2seq();
        Probe probe = probe(AnyNets.seq2seqData(40, 4));
        ProbeModel fast = ProbeModel.of(g, DataType.DOUBLE);
        ProbeModel slow = ProbeModel.of(g, DataType.DOUBLE).withoutExactPath();
        for (int call = 0; call < 2; call++) { // the first checks itself against DL4J; the second is the fast path
            INDArray a = fast.gradient(probe);
            INDArray b = slow.gradient(probe);
            assertThat(a.sub(b).amaxNumber().doubleValue()).isLessThanOrEqualTo(1e-11 * b.amaxNumber().doubleValue());
        }
    }

    @Test
    void peepholesAreLeftToDl4j() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new GravesLSTM.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.recurrent(3)).build());
        net.init();
        ProbeModel m = ProbeModel.of(net, DataType.DOUBLE);
        RecurrentForward f = RecurrentForward.of(m.network(), p -> null).orElseThrow();
        Probe probe = Probes.of(AnyNets.sequences(10, 2), 10, "test");
        assertThat(f.gradient(probe, () -> dl4j(m, probe))).isNull();
    }
}
