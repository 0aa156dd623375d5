package io.github.landscape4j.surface;

import io.github.landscape4j.direction.Normalization;
import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.sharpness.internal.Hessian;
import io.github.landscape4j.surface.internal.Curvature;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The exact gradient and Hessian-vector products of convolutional networks (ProbeModel's {@code ExactChain} path)
 * against DL4J's own backpropagation on the same double-precision copy: the gradient to rounding, {@code H·v} against
 * a central difference of DL4J gradients ({@code O(h²)}), per-tensor blocks, and single against double precision for
 * products, the top eigenvalue and the trace; on a LeNet-like ReLU/max-pool/softmax network (NCHW, flat input),
 * an NHWC one with tanh, an activation layer, average pooling and a mean-squared-error output; batch norm takes
 * {@code ExactGraph} ({@link ExactGraphTest}).
 */
class ExactChainTest {

    @Test
    void leNetLikeReluMaxPoolSoftmaxMatchesDl4j() {
        MultiLayerNetwork net = lenet();
        assertThat(ProbeModel.of(net, DataType.DOUBLE).hasExactCurvature(probe(false, false))).isTrue();
        check(net, probe(false, false));
    }

    @Test
    void nhwcTanhActivationLayerAveragePoolingRegressionMatchesDl4j() {
        MultiLayerNetwork net = nhwc();
        Probe probe = probe(true, true);
        check(net, probe);
    }

    private static MultiLayerNetwork nhwc() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5)
                .updater(new Adam(0.01)).weightInit(WeightInit.XAVIER).biasInit(0.05).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.TANH)
                        .dataFormat(CNN2DFormat.NHWC).build())
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.IDENTITY)
                        .dataFormat(CNN2DFormat.NHWC).build())
                .layer(new ActivationLayer(Activation.LEAKYRELU))
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(1, 1)
                        .dataFormat(CNN2DFormat.NHWC).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .dataFormat(CNN2DFormat.NHWC).build())
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.SIGMOID).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(10, 10, 2, CNN2DFormat.NHWC))
                .build());
        net.init();
        fit(net, probe(true, true));
        return net;
    }

    @Test
    void singlePrecisionProductsEigenvalueAndTraceAgreeWithDouble() {
        MultiLayerNetwork net = lenet();
        Probe probe = probe(false, false);
        ProbeModel single = ProbeModel.of(net, null);
        ProbeModel dbl = ProbeModel.of(net, DataType.DOUBLE);
        INDArray v = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(9), net.numParams());
        INDArray hvFloat = single.curvature(probe).orElseThrow().product(v.castTo(DataType.FLOAT), null);
        INDArray hvDouble = dbl.curvature(probe).orElseThrow().product(v.castTo(DataType.DOUBLE), null);
        assertThat(CurvatureChecks.relative(hvFloat.castTo(DataType.DOUBLE), hvDouble)).isLessThan(1e-5);

        Directions all = new Directions(Models.tensors(net), Normalization.FILTER, true);
        Hessian hf = new Hessian(single, all);
        Hessian fd = new Hessian(ProbeModel.of(net, DataType.DOUBLE).withoutExactPath(), all);
        INDArray theta = net.params().reshape(net.numParams());
        INDArray thetaD = theta.castTo(DataType.DOUBLE);
        double topF = hf.top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(2), 20, 1e-9, null, null)
                .eigenvalue();
        double topD = fd.top(thetaD, probe, Nd4j.getRandomFactory().getNewRandomInstance(2), 20, 1e-9, null, null)
                .eigenvalue();
        assertThat(topF).as("λ_max, exact float vs finite differences in double").isCloseTo(topD,
                within(1e-4 * Math.abs(topD)));
        double trF = hf.trace(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(3), 10);
        double trD = fd.trace(thetaD, probe, Nd4j.getRandomFactory().getNewRandomInstance(3), 10);
        assertThat(trF).as("Hutchinson trace, same draws").isCloseTo(trD, within(1e-4 * Math.abs(trD)));
    }

    private static MultiLayerNetwork lenet() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7)
                .updater(new Adam(0.01)).weightInit(WeightInit.XAVIER).biasInit(0.05).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(6).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(10, 10, 1))
                .build());
        net.init();
        fit(net, probe(false, false));
        return net;
    }

    private static void fit(MultiLayerNetwork net, Probe probe) {
        DataSet d = new DataSet(probe.features()[0], probe.labels()[0]);
        for (int i = 0; i < 20; i++) {
            net.fit(d);
        }
    }

    private static void check(MultiLayerNetwork net, Probe probe) {
        ProbeModel exact = ProbeModel.of(net, DataType.DOUBLE);
        ProbeModel dl4j = ProbeModel.of(net, DataType.DOUBLE).withoutExactPath();
        INDArray theta = exact.params().dup();
        INDArray reference = dl4j.gradient(probe);

        Curvature c = exact.curvature(probe).orElseThrow();
        assertThat(CurvatureChecks.relative(c.gradient(), reference)).as("centre gradient").isLessThan(1e-10);
        INDArray v = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(9), theta.length())
                .castTo(DataType.DOUBLE);
        INDArray hv = c.product(v, null);
        INDArray fd = CurvatureChecks.centralDifference(dl4j, theta, v, probe, 1e-6);
        assertThat(CurvatureChecks.relative(hv, fd)).as("H·v against a central difference of DL4J gradients").isLessThan(1e-6);
        assertThat(hv.norm2Number().doubleValue()).isGreaterThan(1e-3);
        INDArray u = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(10), theta.length())
                .castTo(DataType.DOUBLE);
        double uHv = u.mul(hv).sumNumber().doubleValue();
        double vHu = v.mul(c.product(u, null)).sumNumber().doubleValue();
        assertThat(uHv).as("symmetry").isCloseTo(vHu, within(1e-9 * Math.abs(vHu)));

        CurvatureChecks.assertBlocks(c, Models.tensors(net), v);
        assertThat(exact.params()).isEqualTo(theta);
    }



    /** 80 images 10x10 (one channel, flat; or two channels NHWC) whose class is where their bright blob is. */
    private static Probe probe(boolean nhwc, boolean regression) {
        java.util.Random r = new java.util.Random(4);
        int n = 80;
        int channels = nhwc ? 2 : 1;
        float[] x = new float[n * 100 * channels];
        float[][] y = new float[n][3];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(3);
            for (int p = 0; p < 100 * channels; p++) {
                int row = (nhwc ? p / channels : p) / 10;
                x[i * 100 * channels + p] = (float) (r.nextGaussian() * 0.5 + (row / 4 == c ? 1 : 0));
            }
            for (int k = 0; k < 3; k++) {
                y[i][k] = regression ? (float) (k == c ? 1 + 0.1 * r.nextGaussian() : 0.1 * r.nextGaussian())
                        : (k == c ? 1 : 0);
            }
        }
        INDArray features = nhwc ? Nd4j.create(x, new long[]{n, 10, 10, 2}, 'c') : Nd4j.create(x, new long[]{n, 100}, 'c');
        return Probes.of(new DataSet(features, Nd4j.create(y)), n, nhwc ? "nhwc" : "nchw");
    }
}
