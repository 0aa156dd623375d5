package io.github.landscape4j.surface;

import io.github.landscape4j.engine.internal.LayerHelpers;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.listener.TestNets;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's copies run convolution, pooling and batch-norm layers as single libnd4j operations
 * ({@link LayerHelpers}): outputs and gradients equal DL4J's own layer code in double precision, on a trained CNN with
 * batch norm and local response normalization (which keeps DL4J's code: its helper differs by 3e-4) (max and average pooling, truncate and same modes, stride 2) and on a residual
 * graph with batch norm, both in inference mode (outputs) and in training mode (gradients, batch statistics).
 */
class LayerHelpersTest {

    @Test
    void cnnWithBatchNormAgreesWithDl4jsOwnLayerCode() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .updater(new Adam(1e-2)).weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new LocalResponseNormalization.Builder().build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).stride(2, 2).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(1, 1).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(12, 12, 1)).build());
        net.init();
        List<DataSet> data = images(12);
        TestNets.train(net, data, 3);
        assertAgree(net, DataSet.merge(data), 5); // LRN keeps DL4J's code (its helper computes otherwise)
    }

    @Test
    void residualGraphWithBatchNormAgreesWithDl4jsOwnLayerCode() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(4)
                .updater(new Adam(1e-2)).weightInit(WeightInit.RELU).convolutionMode(ConvolutionMode.Same)
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(12, 12, 1))
                .addLayer("stem", new ConvolutionLayer.Builder(3, 3).nOut(4).build(), "in")
                .addLayer("bn0", new BatchNormalization.Builder().build(), "stem")
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "bn0")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "c1")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "bn1", "bn0")
                .addLayer("relu", new ActivationLayer(Activation.RELU), "add")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "relu")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out").build());
        g.init();
        List<DataSet> data = images(12);
        TestNets.train(g, data, 3);
        assertAgree(g, DataSet.merge(data), 4);
    }

    /** Output (inference) and gradient (training mode) of a helped and a plain double-precision copy. */
    private static void assertAgree(Model net, DataSet d, int helped) {
        Model plain = Models.copy(net, DataType.DOUBLE);
        Model fast = Models.copy(net, DataType.DOUBLE);
        assertThat(LayerHelpers.install(fast)).isEqualTo(helped);
        assertThat(LayerHelpers.install(fast)).as("a helper already there is kept").isZero();
        INDArray[] x = {d.getFeatures()};
        INDArray[] y = {d.getLabels()};
        INDArray expected = Models.output(plain, x)[0];
        INDArray actual = Models.output(fast, x)[0];
        assertThat(actual.sub(expected).amaxNumber().doubleValue()).isLessThan(1e-12);
        INDArray gPlain = Models.gradient(plain, x, y);
        INDArray gFast = Models.gradient(fast, x, y);
        assertThat(gFast.sub(gPlain).norm2Number().doubleValue())
                .isLessThan(1e-10 * gPlain.norm2Number().doubleValue());
        assertThat(gPlain.norm2Number().doubleValue()).isGreaterThan(1e-6); // not trivially zero
        // and in float, the copy's own type
        Model plainF = Models.copy(net, null);
        Model fastF = Models.copy(net, null);
        LayerHelpers.install(fastF);
        INDArray xf = d.getFeatures().castTo(plainF.params().dataType());
        INDArray eF = Models.output(plainF, new INDArray[]{xf})[0];
        assertThat(Models.output(fastF, new INDArray[]{xf})[0].sub(eF).amaxNumber().doubleValue()).isLessThan(1e-5);
    }

    private static List<DataSet> images(int batches) {
        java.util.Random r = new java.util.Random(5);
        java.util.ArrayList<DataSet> out = new java.util.ArrayList<>();
        for (int b = 0; b < batches; b++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 16, 1, 12, 12);
            INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 3);
            for (int i = 0; i < 16; i++) {
                int c = r.nextInt(3);
                y.putScalar(i, c, 1);
                x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).addi(c * 0.3); // learnable: brightness
            }
            out.add(new DataSet(x, y));
        }
        return out;
    }
}
