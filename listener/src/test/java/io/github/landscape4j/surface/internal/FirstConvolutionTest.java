package io.github.landscape4j.surface.internal;

import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.store.ParameterTensor;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gradient of a convolution that reads the network input, by one product of its error with the input's im2col,
 * against DL4J's own backward pass of that layer, in double precision: convolution modes Same, Truncate and Strict,
 * strides 1 and 2, padding, several input channels, with and without a bias.
 */
class FirstConvolutionTest {

    @Test
    void equalsDl4jsBackwardForEveryModeStrideAndPadding() {
        check(ConvolutionMode.Same, 3, 1, 0, 1, true);
        check(ConvolutionMode.Same, 3, 2, 0, 2, true);
        check(ConvolutionMode.Truncate, 3, 1, 1, 3, true);
        check(ConvolutionMode.Truncate, 2, 2, 0, 1, false);
        check(ConvolutionMode.Strict, 3, 1, 0, 2, true);
    }

    private static void check(ConvolutionMode mode, int kernel, int stride, int pad, int channels, boolean bias) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.DOUBLE).convolutionMode(mode).list()
                .layer(new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).padding(pad, pad).nOut(4)
                        .hasBias(bias).activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(9, 9, channels)).build());
        net.init();
        net.initGradientsView();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, channels, 9, 9);
        Layer layer = net.getLayer(0);
        INDArray z = layer.activate(x, false, LayerWorkspaceMgr.noWorkspaces());
        INDArray dz = Nd4j.randn(DataType.DOUBLE, z.shape());
        layer.setInput(x, LayerWorkspaceMgr.noWorkspaces());
        layer.backpropGradient(dz, LayerWorkspaceMgr.noWorkspaces());
        INDArray reference = layer.getGradientsViewArray().reshape(layer.numParams()).dup();

        ParameterTensor w = Models.tensors(net).stream().filter(t -> t.name().equals("0_W")).findFirst().orElseThrow();
        ParameterTensor b = Models.tensors(net).stream().filter(t -> t.name().equals("0_b")).findFirst().orElse(null);
        FirstConvolution first = new FirstConvolution((ConvolutionLayer) layer.conf().getLayer(), w.offset(),
                b == null ? -1 : b.offset(), b == null ? 0 : b.length());
        assertThat(FirstConvolution.takes((ConvolutionLayer) layer.conf().getLayer())).isTrue();
        INDArray g = Nd4j.zeros(DataType.DOUBLE, net.numParams());
        first.gradient(first.columns(x), dz, g);
        INDArray mine = g.get(NDArrayIndex.interval(0, layer.numParams()));
        String what = mode + " k" + kernel + " s" + stride + " p" + pad + " c" + channels + (bias ? " bias" : "");
        assertThat(mine.sub(reference).norm2Number().doubleValue()).as(what)
                .isLessThan(1e-12 * reference.norm2Number().doubleValue());
        assertThat(reference.norm2Number().doubleValue()).as(what).isGreaterThan(0.1);
    }
}
