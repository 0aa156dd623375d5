package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.listener.AnyNets;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
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
import static org.assertj.core.api.Assertions.within;

/**
 * {@link RecurrentForward} against DL4J's own forward of the same private copy: outputs element by element (float
 * and double), after the parameters move (a grid point), whole planes through {@link SurfaceComputer}, the networks
 * it must leave to DL4J, and the fall-back when its outputs disagree with DL4J's.
 */
class RecurrentForwardTest {

    /** A seq2seq graph (masked encoder, last step, repeat, merge, decoder, softmax per step), trained a little. */
    private static ComputationGraph seq2seq() {
        ComputationGraph g = AnyNets.seq2seq();
        MultiDataSet train = AnyNets.seq2seqData(32, 3);
        for (int i = 0; i < 5; i++) {
            g.fit(train);
        }
        return g;
    }

    /**
     * Three stacked recurrent layers (an LSTM with tanh, a GravesLSTM with peepholes, an LSTM with softsign and
     * hard-sigmoid gates) and a per-step regression (identity, MSE) with feature and label masks.
     */
    private static MultiLayerNetwork stacked() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7)
                .updater(new Adam(1e-2)).weightInit(WeightInit.XAVIER).list()
                .layer(new LSTM.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                .layer(new GravesLSTM.Builder().nOut(6).activation(Activation.TANH).build())
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
        return net;
    }

    private static Probe probe(MultiDataSet d) {
        return new Probe(d.getFeatures(), d.getLabels(), d.getFeaturesMaskArrays(), d.getLabelsMaskArrays(), "test");
    }

    private static INDArray[] dl4j(ProbeModel m, Probe p) {
        return Models.output(m.network(), p.features(), p.featureMasks(), p.labelMasks());
    }

    private static double maxError(INDArray[] a, INDArray[] b) {
        double e = 0;
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i].shape()).isEqualTo(b[i].shape());
            e = Math.max(e, a[i].castTo(DataType.DOUBLE).sub(b[i].castTo(DataType.DOUBLE)).amaxNumber().doubleValue());
        }
        return e;
    }

    private static void sameOutputs(Model net, Probe probe) {
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            ProbeModel m = ProbeModel.of(net, type);
            RecurrentForward f = RecurrentForward.of(m.network(), p -> dl4j(m, p)).orElseThrow();
            double tolerance = type == DataType.DOUBLE ? 1e-13 : 2e-6;
            assertThat(maxError(f.output(probe), dl4j(m, probe))).as(type.toString()).isLessThanOrEqualTo(tolerance);
            // a grid point: the copy's parameters moved in place; the forward reads them through DL4J's views
            INDArray moved = m.params().dup();
            m.params().addi(Nd4j.rand(new Random(3).nextLong(), moved.shape()).castTo(type).subi(0.5).muli(0.3));
            assertThat(maxError(f.output(probe), dl4j(m, probe))).as(type + " moved").isLessThanOrEqualTo(tolerance);
            m.load(moved);
            assertThat(maxError(f.output(probe), dl4j(m, probe))).as(type + " back").isLessThanOrEqualTo(tolerance);
        }
    }

    @Test
    void seq2seqGraphWithMasksGivesDl4jsOutputs() {
        sameOutputs(seq2seq(), probe(AnyNets.seq2seqData(40, 4)));
    }

    @Test
    void stackedLstmsWithLabelMasksGiveDl4jsOutputs() {
        MultiLayerNetwork net = stacked();
        DataSet d = AnyNets.sequences(30, 6);
        sameOutputs(net, Probes.of(d, 30, "test"));
        // the label mask zeroes padded steps of the output, as DL4J's output layer does
        Probe probe = Probes.of(d, 30, "test");
        INDArray out = ProbeModel.of(net, null).outputs(probe)[0];
        assertThat(out.mul(probe.labelMasks()[0].reshape(30, 1, AnyNets.T)).sub(out).amaxNumber().doubleValue())
                .isZero();
    }

    @Test
    void longProbesTakeTheirInputProductsAChunkOfStepsAtATime() {
        MultiLayerNetwork net = stacked();
        Probe probe = Probes.of(AnyNets.sequences(30, 6), 30, "test");
        long kept = RecurrentLayers.MAX_GATE_VALUES;
        try {
            // one step at a time, then 4 steps at a time (the 6 steps end in a chunk of 2) for the widest layer (6)
            for (long values : new long[]{1, 4L * 30 * 4 * 6}) {
                RecurrentLayers.MAX_GATE_VALUES = values;
                sameOutputs(net, probe);
            }
        } finally {
            RecurrentLayers.MAX_GATE_VALUES = kept;
        }
    }

    @Test
    void planesAndLinesEqualTheGenericPath() {
        ComputationGraph g = seq2seq();
        Probe train = probe(AnyNets.seq2seqData(40, 5));
        Probe validation = probe(AnyNets.seq2seqData(30, 6));
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            ProbeModel fast = ProbeModel.of(g, type);
            ProbeModel generic = ProbeModel.of(g, type).withoutExactPath();
            INDArray theta = fast.params().dup();
            INDArray d1 = Nd4j.rand(new Random(1).nextLong(), theta.shape()).castTo(type).subi(0.5);
            INDArray d2 = Nd4j.rand(new Random(2).nextLong(), theta.shape()).castTo(type).subi(0.5);
            double[] xs = SurfaceComputer.linspace(-1, 1, 5);
            SurfaceComputer.Grids[] a = new SurfaceComputer(fast).plane(theta, d1, d2, xs, xs, train, validation);
            SurfaceComputer.Grids[] b = new SurfaceComputer(generic).plane(theta, d1, d2, xs, xs, train, validation);
            double tolerance = type == DataType.DOUBLE ? 1e-12 : 1e-5;
            for (int k = 0; k < 2; k++) {
                for (int j = 0; j < xs.length; j++) {
                    for (int i = 0; i < xs.length; i++) {
                        double loss = b[k].loss()[j][i];
                        assertThat(a[k].loss()[j][i]).isCloseTo(loss, within(tolerance * Math.max(1, loss)));
                        assertThat(a[k].accuracy()[j][i]).isCloseTo(b[k].accuracy()[j][i], within(1e-12));
                    }
                }
            }
            SurfaceComputer.Line[] la = new SurfaceComputer(fast).line(theta, d1, xs, train, null);
            SurfaceComputer.Line[] lb = new SurfaceComputer(generic).line(theta, d1, xs, train, null);
            for (int i = 0; i < xs.length; i++) {
                assertThat(la[0].loss()[i]).isCloseTo(lb[0].loss()[i], within(tolerance * Math.max(1, lb[0].loss()[i])));
            }
            assertThat(fast.params()).isEqualTo(theta); // the copy is put back
        }
    }

    @Test
    void leavesOtherNetworksToDl4j() {
        // a simple RNN
        MultiLayerNetwork simple = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new SimpleRnn.Builder().nIn(3).nOut(4).build())
                .layer(new RnnOutputLayer.Builder().nIn(4).nOut(2).activation(Activation.SOFTMAX).build()).build());
        simple.init();
        assertThat(RecurrentForward.of(simple, p -> null)).isEmpty();
        // time-major data format
        MultiLayerNetwork nwc = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new LSTM.Builder().nIn(3).nOut(4).dataFormat(RNNFormat.NWC).build())
                .layer(new RnnOutputLayer.Builder().nIn(4).nOut(2).dataFormat(RNNFormat.NWC)
                        .activation(Activation.SOFTMAX).build()).build());
        nwc.init();
        assertThat(RecurrentForward.of(nwc, p -> null)).isEmpty();
        // no recurrent layer
        MultiLayerNetwork dense = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).build())
                .layer(new OutputLayer.Builder().nIn(4).nOut(2).activation(Activation.SOFTMAX).build()).build());
        dense.init();
        assertThat(RecurrentForward.of(dense, p -> null)).isEmpty();
        // a vertex it does not know
        ComputationGraph sum = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in").setInputTypes(InputType.recurrent(3))
                .addLayer("a", new LSTM.Builder().nOut(4).build(), "in")
                .addLayer("b", new LSTM.Builder().nOut(4).build(), "in")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b")
                .addLayer("out", new RnnOutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build(), "add")
                .setOutputs("out").build());
        sum.init();
        assertThat(RecurrentForward.of(sum, p -> null)).isEmpty();
        // and what it knows
        assertThat(RecurrentForward.of(AnyNets.seq2seq(), p -> null)).isPresent();
        assertThat(RecurrentForward.of(AnyNets.lstm(), p -> null)).isPresent();
        assertThat(RecurrentForward.of(stacked(), p -> null)).isPresent(); // GravesLSTM's peepholes included
    }

    @Test
    void aMismatchWithDl4jHandsEveryLaterForwardToDl4j() {
        ComputationGraph g = seq2seq();
        Probe probe = probe(AnyNets.seq2seqData(20, 7));
        ProbeModel m = ProbeModel.of(g, null);
        // a reference that disagrees, as a network whose semantics this forward got wrong would
        RecurrentForward f = RecurrentForward.of(m.network(), p -> {
            INDArray[] out = dl4j(m, p);
            out[0].addi(1e-2);
            return out;
        }).orElseThrow();
        assertThat(f.output(probe)).isNull();
        assertThat(f.output(probe)).isNull();
        assertThat(f.output(probe(AnyNets.seq2seqData(20, 8)))).isNull();
        // the model's own path agrees with DL4J
        assertThat(maxError(m.outputs(probe), dl4j(m, probe))).isLessThanOrEqualTo(2e-6);
    }
}
