package io.github.landscape4j.surface;

import io.github.landscape4j.direction.Normalization;
import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.surface.internal.LinearFirstLayer;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Probes;
import io.github.landscape4j.surface.internal.SurfaceComputer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The first-layer linearity path gives the generic path's surface (within 1e-5 relative), biases included. */
class LinearFirstLayerTest {

    @Test
    void sharedProductsGiveTheGenericSurface() {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        TestNets.train(net, TestNets.data(10, 16, 20, 51), 1);
        List<ParameterTensor> tensors = Models.tensors(net);
        Probe train = Probes.of(DataSet.merge(TestNets.data(4, 16, 20, 52)), 64, "test");
        Probe val = Probes.of(DataSet.merge(TestNets.data(4, 16, 20, 53)), 64, "test");
        Directions directions = new Directions(tensors, Normalization.FILTER, true); // biases move too
        INDArray theta = net.params().dup();
        INDArray d1 = directions.random(Nd4j.getRandomFactory().getNewRandomInstance(1), theta);
        INDArray d2 = directions.random(Nd4j.getRandomFactory().getNewRandomInstance(2), theta);
        double[] axis = SurfaceComputer.linspace(-1, 1, 5);
        ProbeModel model = ProbeModel.of(net, null);
        SurfaceComputer.Grids[] generic = new SurfaceComputer(model).plane(theta, d1, d2, axis, axis, train, val);
        LinearFirstLayer linear = LinearFirstLayer.of(model, tensors).orElseThrow();
        SurfaceComputer.Grids[] shared = new SurfaceComputer(model, linear).plane(theta, d1, d2, axis, axis, train,
                val);
        for (int p = 0; p < 2; p++) {
            for (int j = 0; j < axis.length; j++) {
                for (int i = 0; i < axis.length; i++) {
                    double g = generic[p].loss()[j][i];
                    assertThat(shared[p].loss()[j][i]).isCloseTo(g, within(1e-5 * Math.abs(g)));
                    assertThat(shared[p].accuracy()[j][i]).isEqualTo(generic[p].accuracy()[j][i]);
                }
            }
        }
        assertThat(LinearFirstLayer.of(ProbeModel.of(TestNets.graph(), null), Models.tensors(TestNets.graph())))
                .isEmpty();
    }

    /**
     * A convolutional first layer (3 products of DL4J's own layer per plane): batch norm after it; a flat input with
     * its preprocessor, same padding and stride 2; channels-last data. Planes and lines equal the generic path's, in
     * float and in double.
     */
    @Test
    void convolutionalFirstLayersGiveTheGenericSurface() {
        MultiLayerNetwork[] nets = {TestNets.cnnWithBatchNorm(), cnn(true, CNN2DFormat.NCHW),
                cnn(false, CNN2DFormat.NHWC)};
        for (int m = 0; m < nets.length; m++) {
            MultiLayerNetwork net = nets[m];
            List<DataSet> data = TestNets.images(6, 16, 71);
            final int kind = m;
            if (m > 0) {
                data.replaceAll(d -> new DataSet(kind == 1 ? d.getFeatures().reshape(d.numExamples(), 64)
                        : d.getFeatures().permute(0, 2, 3, 1).dup(), d.getLabels()));
            }
            TestNets.train(net, data, 1);
            List<ParameterTensor> tensors = Models.tensors(net);
            Probe train = Probes.of(DataSet.merge(data.subList(0, 3)), 48, "test");
            Probe val = Probes.of(DataSet.merge(data.subList(3, 6)), 48, "test");
            Directions directions = new Directions(tensors, Normalization.FILTER, true);
            INDArray theta = net.params().dup().reshape(net.numParams());
            INDArray d1 = directions.random(Nd4j.getRandomFactory().getNewRandomInstance(1), theta);
            INDArray d2 = directions.random(Nd4j.getRandomFactory().getNewRandomInstance(2), theta);
            double[] axis = SurfaceComputer.linspace(-1, 1, 5);
            for (org.nd4j.linalg.api.buffer.DataType type : new org.nd4j.linalg.api.buffer.DataType[]{null,
                    org.nd4j.linalg.api.buffer.DataType.DOUBLE}) {
                ProbeModel model = ProbeModel.of(net, type);
                INDArray t = theta.castTo(model.dataType());
                INDArray e1 = d1.castTo(model.dataType());
                INDArray e2 = d2.castTo(model.dataType());
                SurfaceComputer.Grids[] generic = new SurfaceComputer(model).plane(t, e1, e2, axis, axis, train, val);
                SurfaceComputer.Line[] genericLine = new SurfaceComputer(model).line(t, e1, axis, train, val);
                LinearFirstLayer linear = LinearFirstLayer.of(model, tensors).orElseThrow();
                assertThat(linear.fits(train)).isTrue();
                SurfaceComputer computer = new SurfaceComputer(model, linear);
                SurfaceComputer.Grids[] shared = computer.plane(t, e1, e2, axis, axis, train, val);
                SurfaceComputer.Line[] sharedLine = computer.line(t, e1, axis, train, val);
                double tol = type == null ? 1e-5 : 1e-12;
                for (int p = 0; p < 2; p++) {
                    for (int j = 0; j < axis.length; j++) {
                        for (int i = 0; i < axis.length; i++) {
                            double g = generic[p].loss()[j][i];
                            assertThat(shared[p].loss()[j][i]).as("net %d %s", m, type)
                                    .isCloseTo(g, within(tol * Math.abs(g)));
                            assertThat(shared[p].accuracy()[j][i]).isEqualTo(generic[p].accuracy()[j][i]);
                        }
                        double g = genericLine[p].loss()[j];
                        assertThat(sharedLine[p].loss()[j]).as("net %d %s", m, type)
                                .isCloseTo(g, within(tol * Math.abs(g)));
                    }
                }
                assertThat(model.params().castTo(theta.dataType())).as("restored").isEqualTo(theta);
            }
        }
    }

    private static MultiLayerNetwork cnn(boolean flat, CNN2DFormat format) {
        var conv = new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(5).dataFormat(format)
                .activation(org.nd4j.linalg.activations.Activation.RELU);
        if (flat) {
            conv.stride(2, 2).convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .seed(5).updater(new org.nd4j.linalg.learning.config.Adam(1e-2))
                .weightInit(org.deeplearning4j.nn.weights.WeightInit.XAVIER).list()
                .layer(conv.build())
                .layer(new org.deeplearning4j.nn.conf.layers.SubsamplingLayer.Builder(
                        org.deeplearning4j.nn.conf.layers.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .dataFormat(format).build())
                .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(8)
                        .activation(org.nd4j.linalg.activations.Activation.TANH).build())
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .setInputType(flat ? org.deeplearning4j.nn.conf.inputs.InputType.convolutionalFlat(8, 8, 1)
                        : org.deeplearning4j.nn.conf.inputs.InputType.convolutional(8, 8, 1, format))
                .build());
        net.init();
        return net;
    }

    /**
     * Deeper MLPs whose rows go through the rest of the network at once (dense, dense, output; one hidden layer
     * without bias), and a dense first layer followed by batch norm, which goes point by point: planes and lines
     * equal the generic path's, which sets the copy's parameters and runs DL4J's own forward for every point.
     */
    @Test
    void batchedRowsAndPointByPointTailsGiveTheGenericSurface() {
        MultiLayerNetwork[] nets = {net(true, false), net(false, false), net(true, true)};
        boolean[] batched = {true, true, false};
        for (int m = 0; m < nets.length; m++) {
            MultiLayerNetwork net = nets[m];
            TestNets.train(net, TestNets.data(10, 16, 20, 61), 1);
            List<ParameterTensor> tensors = Models.tensors(net);
            Probe train = Probes.of(DataSet.merge(TestNets.data(4, 16, 20, 62)), 64, "test");
            Probe val = Probes.of(DataSet.merge(TestNets.data(4, 16, 20, 63)), 64, "test");
            Directions directions = new Directions(tensors, Normalization.FILTER, true);
            INDArray theta = net.params().dup().reshape(net.numParams());
            INDArray d1 = directions.random(Nd4j.getRandomFactory().getNewRandomInstance(1), theta);
            INDArray d2 = directions.random(Nd4j.getRandomFactory().getNewRandomInstance(2), theta);
            double[] axis = SurfaceComputer.linspace(-1, 1, 5);
            ProbeModel model = ProbeModel.of(net, null);
            SurfaceComputer.Grids[] generic = new SurfaceComputer(model).plane(theta, d1, d2, axis, axis, train, val);
            SurfaceComputer.Line[] genericLine = new SurfaceComputer(model).line(theta, d1, axis, train, val);
            LinearFirstLayer linear = LinearFirstLayer.of(model, tensors).orElseThrow();
            assertThat(linear.batched()).as("net %d", m).isEqualTo(batched[m]);
            SurfaceComputer computer = new SurfaceComputer(model, linear);
            SurfaceComputer.Grids[] shared = computer.plane(theta, d1, d2, axis, axis, train, val);
            SurfaceComputer.Line[] sharedLine = computer.line(theta, d1, axis, train, val);
            // rows in batches of two points (2, 2, 1), as a large probe's rows are
            SurfaceComputer.Grids[] chunked = new SurfaceComputer(model,
                    LinearFirstLayer.of(model, tensors).orElseThrow().batchValues(2L * 64 * 16))
                    .plane(theta, d1, d2, axis, axis, train, val);
            for (int p = 0; p < 2; p++) {
                for (int j = 0; j < axis.length; j++) {
                    for (int i = 0; i < axis.length; i++) {
                        double g = generic[p].loss()[j][i];
                        assertThat(chunked[p].loss()[j][i]).as("net %d, batches of 2", m)
                                .isCloseTo(g, within(1e-5 * Math.abs(g)));
                        assertThat(chunked[p].accuracy()[j][i]).isEqualTo(generic[p].accuracy()[j][i]);
                    }
                }
            }
            for (int p = 0; p < 2; p++) {
                for (int j = 0; j < axis.length; j++) {
                    for (int i = 0; i < axis.length; i++) {
                        double g = generic[p].loss()[j][i];
                        assertThat(shared[p].loss()[j][i]).as("net %d", m).isCloseTo(g, within(1e-5 * Math.abs(g)));
                        assertThat(shared[p].accuracy()[j][i]).isEqualTo(generic[p].accuracy()[j][i]);
                    }
                    double g = genericLine[p].loss()[j];
                    assertThat(sharedLine[p].loss()[j]).as("net %d", m).isCloseTo(g, within(1e-5 * Math.abs(g)));
                    assertThat(sharedLine[p].accuracy()[j]).isEqualTo(genericLine[p].accuracy()[j]);
                }
            }
        }
    }

    private static MultiLayerNetwork net(boolean hiddenBias, boolean batchNorm) {
        var list = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(3)
                .updater(new org.nd4j.linalg.learning.config.Sgd(0.1))
                .weightInit(org.deeplearning4j.nn.weights.WeightInit.XAVIER).list()
                .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(20).nOut(16)
                        .activation(org.nd4j.linalg.activations.Activation.RELU).build());
        if (batchNorm) {
            list.layer(new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().nOut(16).build());
        }
        list.layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(16).nOut(8).hasBias(hiddenBias)
                        .activation(org.nd4j.linalg.activations.Activation.TANH).build())
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    /** A line (a slice: base + α·d, base other than the centre) through the shared products equals the generic one. */
    @Test
    void sharedProductsGiveTheGenericLine() {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        INDArray initial = net.params().dup().reshape(net.numParams());
        TestNets.train(net, TestNets.data(10, 16, 20, 51), 1);
        List<ParameterTensor> tensors = Models.tensors(net);
        Probe train = Probes.of(DataSet.merge(TestNets.data(4, 16, 20, 52)), 64, "test");
        Probe val = Probes.of(DataSet.merge(TestNets.data(4, 16, 20, 53)), 64, "test");
        INDArray theta = net.params().dup().reshape(net.numParams());
        double[] alphas = SurfaceComputer.linspace(-0.5, 1.5, 9);
        ProbeModel model = ProbeModel.of(net, null);
        SurfaceComputer.Line[] generic = new SurfaceComputer(model).line(initial, theta.sub(initial), alphas, train,
                val);
        LinearFirstLayer linear = LinearFirstLayer.of(model, tensors).orElseThrow();
        SurfaceComputer.Line[] shared = new SurfaceComputer(model, linear).line(initial, theta.sub(initial), alphas,
                train, val);
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < alphas.length; i++) {
                double g = generic[p].loss()[i];
                assertThat(shared[p].loss()[i]).isCloseTo(g, within(1e-5 * Math.abs(g)));
                assertThat(shared[p].accuracy()[i]).isEqualTo(generic[p].accuracy()[i]);
            }
        }
        assertThat(generic[0].loss()[2]).isNotCloseTo(generic[0].loss()[6], within(1e-3)); // not a flat line
    }

    /**
     * A plane stopped part-way by its caller (the run ending at JVM exit, or the budget) leaves the copy at the
     * centre, on both paths, and a later plane with the same computer is whole and right.
     */
    @Test
    void aPlaneStoppedAfterARowRestoresTheCentre() {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        TestNets.train(net, TestNets.data(10, 16, 20, 51), 1);
        List<ParameterTensor> tensors = Models.tensors(net);
        Probe train = Probes.of(DataSet.merge(TestNets.data(4, 16, 20, 52)), 64, "test");
        Directions directions = new Directions(tensors, Normalization.FILTER, false);
        INDArray theta = net.params().dup();
        INDArray d1 = directions.random(Nd4j.getRandomFactory().getNewRandomInstance(1), theta);
        INDArray d2 = directions.random(Nd4j.getRandomFactory().getNewRandomInstance(2), theta);
        double[] axis = SurfaceComputer.linspace(-1, 1, 5);
        ProbeModel model = ProbeModel.of(net, null);
        SurfaceComputer.Grids whole = new SurfaceComputer(model).plane(theta, d1, d2, axis, axis, train, null)[0];
        for (LinearFirstLayer linear : new LinearFirstLayer[]{null, LinearFirstLayer.of(model, tensors).orElseThrow()}) {
            int[] rows = new int[1];
            boolean[] stopping = {true};
            SurfaceComputer computer = new SurfaceComputer(model, linear, () -> {
                if (++rows[0] == 2 && stopping[0]) {
                    throw new IllegalStateException("stop");
                }
            });
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> computer.plane(theta, d1, d2, axis, axis, train,
                    null)).hasMessage("stop");
            assertThat(rows[0]).isEqualTo(2);
            assertThat(model.params()).isEqualTo(theta.reshape(theta.length()));
            stopping[0] = false;
            SurfaceComputer.Grids again = computer.plane(theta, d1, d2, axis, axis, train, null)[0];
            for (int j = 0; j < axis.length; j++) {
                for (int i = 0; i < axis.length; i++) {
                    assertThat(again.loss()[j][i]).isCloseTo(whole.loss()[j][i], within(1e-5 * whole.loss()[j][i]));
                }
            }
        }
    }
}
