package io.github.landscape4j.surface;

import io.github.landscape4j.direction.Normalization;
import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.sharpness.internal.Hessian;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.surface.internal.Curvature;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
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
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The exact gradient and Hessian-vector products of graphs and batch-norm networks (ProbeModel's {@code ExactGraph}
 * path: batch norm in inference mode, the mode of the snapshot's losses) against DL4J's own inference-mode loss on
 * the same double-precision copy: the gradient against central differences of the loss along random directions, {@code
 * H·v} against central differences of that gradient, {@code uᵀHv} against four-point second differences of DL4J's
 * loss on a smooth network, symmetry, per-tensor blocks, and single against double precision. Networks: a residual
 * ReLU graph with batch norm, max pooling (convolution mode Same), an add vertex and global average pooling; a
 * tanh/sigmoid dense graph with batch norm on dense activations, merge, subtract and scale vertices and a
 * mean-squared-error output; a MultiLayerNetwork CNN with batch norm. Batch-norm statistics, and gamma and beta, are
 * moved away from their initial values first (training, then noise), so every term of the batch-norm algebra counts.
 */
class ExactGraphTest {

    @Test
    void residualReluGraphWithBatchNormMatchesDl4jInferenceLoss() {
        ComputationGraph net = residual();
        Probe probe = images();
        ProbeModel exact = ProbeModel.of(net, DataType.DOUBLE);
        assertThat(exact.hasExactCurvature(probe)).isTrue();
        check(net, exact, probe, false);
    }

    @Test
    void smoothDenseGraphWithBatchNormMergeSubtractScaleMatchesSecondDifferences() {
        ComputationGraph net = dense();
        Probe probe = flat();
        ProbeModel exact = ProbeModel.of(net, DataType.DOUBLE);
        assertThat(exact.hasExactCurvature(probe)).isTrue();
        check(net, exact, probe, true);
    }

    @Test
    void convolutionWithBatchNormInAMultiLayerNetworkTakesTheGraphPath() {
        MultiLayerNetwork bn = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .updater(new Adam(0.01)).weightInit(WeightInit.XAVIER).biasInit(0.05).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer(Activation.RELU))
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(8, 8, 1))
                .build());
        bn.init();
        Probe probe = images();
        DataSet d = new DataSet(probe.features()[0], probe.labels()[0]);
        for (int i = 0; i < 15; i++) {
            bn.fit(d);
        }
        perturb(bn);
        ProbeModel exact = ProbeModel.of(bn, DataType.DOUBLE);
        assertThat(exact.hasExactCurvature(probe)).isTrue();
        check(bn, exact, probe, false);
    }

    @Test
    void singlePrecisionProductsAndEigenvalueAgreeWithDouble() {
        ComputationGraph net = residual();
        Probe probe = images();
        ProbeModel single = ProbeModel.of(net, null);
        ProbeModel dbl = ProbeModel.of(net, DataType.DOUBLE);
        INDArray v = trainable(net).muli(Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(9), net.numParams())
                .castTo(DataType.DOUBLE));
        INDArray hvFloat = single.curvature(probe).orElseThrow().product(v.castTo(DataType.FLOAT), null);
        INDArray hvDouble = dbl.curvature(probe).orElseThrow().product(v, null);
        assertThat(CurvatureChecks.relative(hvFloat.castTo(DataType.DOUBLE), hvDouble)).isLessThan(1e-4);

        Directions all = new Directions(Models.tensors(net), Normalization.FILTER, true);
        INDArray theta = net.params().reshape(net.numParams());
        double topF = new Hessian(single, all).top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(2),
                20, 1e-9, null, null).eigenvalue();
        double topD = new Hessian(dbl, all).top(theta.castTo(DataType.DOUBLE), probe,
                Nd4j.getRandomFactory().getNewRandomInstance(2), 20, 1e-9, null, null).eigenvalue();
        assertThat(topF).as("λ_max, float vs double").isCloseTo(topD, within(1e-4 * Math.abs(topD)));
        assertThat(topD).isGreaterThan(0);
    }

    @Test
    void aCentreReplacedByANewerOneRefusesProductsInsteadOfReadingTheNewerArrays() {
        ComputationGraph net = residual();
        Probe probe = images();
        ProbeModel model = ProbeModel.of(net, DataType.DOUBLE);
        Curvature first = model.curvature(probe).orElseThrow();
        INDArray v = trainable(net).muli(direction(trainable(net), 3));
        INDArray before = first.product(v, null);
        Curvature second = model.curvature(probe).orElseThrow();
        assertThat(second.product(v, null)).isEqualTo(before);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> first.product(v, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("newer centre");
        model.release();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> second.product(v, null))
                .isInstanceOf(IllegalStateException.class);
        assertThat(model.curvature(probe).orElseThrow().product(v, null)).isEqualTo(before);
    }

    @Test
    void aProductVertexOrAnUnsupportedLayerKeepsFiniteDifferences() {
        ComputationGraph product = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in").setInputTypes(InputType.feedForward(100))
                .addLayer("a", new DenseLayer.Builder().nOut(4).activation(Activation.TANH).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nOut(4).activation(Activation.TANH).build(), "in")
                .addVertex("p", new ElementWiseVertex(ElementWiseVertex.Op.Product), "a", "b")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                        .activation(Activation.IDENTITY).build(), "p")
                .setOutputs("out").build());
        product.init();
        assertThat(ProbeModel.of(product, DataType.DOUBLE).hasExactCurvature(flat())).isFalse();
        assertThat(ProbeModel.of(product, DataType.DOUBLE).curvature(flat())).isEmpty();
    }

    private static void check(Model net, ProbeModel exact, Probe probe, boolean smooth) {
        INDArray theta = exact.params().dup();
        INDArray mask = trainable(net);
        Curvature c = exact.curvature(probe).orElseThrow();
        INDArray g = c.gradient().dup();
        assertThat(g.mul(mask.rsub(1)).norm2Number().doubleValue()).as("no gradient on batch-norm statistics")
                .isEqualTo(0.0);
        ProbeModel dl4j = ProbeModel.of(net, DataType.DOUBLE).withoutExactPath();
        for (int i = 0; i < 3; i++) {
            INDArray u = direction(mask, 20 + i);
            double h = 1e-6 * Math.max(1, theta.norm2Number().doubleValue()) / u.norm2Number().doubleValue();
            double fd = (loss(dl4j, theta.add(u.mul(h)), probe) - loss(dl4j, theta.sub(u.mul(h)), probe)) / (2 * h);
            double gu = g.mul(u).sumNumber().doubleValue();
            assertThat(gu).as("gᵀu against DL4J's inference-mode loss").isCloseTo(fd,
                    within(1e-6 * g.norm2Number().doubleValue() * u.norm2Number().doubleValue()));
        }
        INDArray v = direction(mask, 9);
        INDArray hv = c.product(v, null);
        assertThat(hv.norm2Number().doubleValue()).isGreaterThan(1e-3);
        double h = 1e-6 * Math.max(1, theta.norm2Number().doubleValue()) / v.norm2Number().doubleValue();
        INDArray plus = gradientAt(exact, theta.add(v.mul(h)), probe);
        INDArray minus = gradientAt(exact, theta.sub(v.mul(h)), probe);
        exact.load(theta);
        assertThat(CurvatureChecks.relative(hv, plus.subi(minus).divi(2 * h)))
                .as("H·v against a central difference of the gradient").isLessThan(1e-6);
        INDArray u = direction(mask, 10);
        Curvature again = exact.curvature(probe).orElseThrow();
        double uHv = u.mul(again.product(v, null)).sumNumber().doubleValue();
        double vHu = v.mul(again.product(u, null)).sumNumber().doubleValue();
        assertThat(uHv).as("symmetry").isCloseTo(vHu, within(1e-9 * Math.abs(vHu)));
        if (smooth) {
            double s = 1e-4 * Math.max(1, theta.norm2Number().doubleValue());
            INDArray su = u.mul(s / u.norm2Number().doubleValue());
            INDArray sv = v.mul(s / v.norm2Number().doubleValue());
            double second = (loss(dl4j, theta.add(su).addi(sv), probe) - loss(dl4j, theta.add(su).subi(sv), probe)
                    - loss(dl4j, theta.sub(su).addi(sv), probe) + loss(dl4j, theta.sub(su).subi(sv), probe))
                    / (4 * s * s) * u.norm2Number().doubleValue() * v.norm2Number().doubleValue();
            assertThat(uHv).as("uᵀHv against second differences of DL4J's loss").isCloseTo(second,
                    within(1e-5 * Math.abs(second) + 1e-9));
        }
        CurvatureChecks.assertBlocks(again, Models.tensors(net), v);
        assertThat(exact.params()).isEqualTo(theta);
    }

    private static INDArray gradientAt(ProbeModel m, INDArray theta, Probe probe) {
        m.load(theta);
        return m.curvature(probe).orElseThrow().gradient().dup();
    }

    private static double loss(ProbeModel m, INDArray theta, Probe probe) {
        m.load(theta);
        return m.evaluate(probe).loss();
    }

    /** 1 on every trainable parameter, 0 on batch-norm statistics. */
    private static INDArray trainable(Model net) {
        INDArray mask = Nd4j.ones(DataType.DOUBLE, net.numParams());
        for (ParameterTensor t : Models.tensors(net)) {
            if ("batchnorm_statistics".equals(t.role())) {
                mask.get(NDArrayIndex.interval(t.offset(), t.offset() + t.length())).assign(0);
            }
        }
        return mask;
    }

    private static INDArray direction(INDArray mask, long seed) {
        return Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(seed), mask.length()).castTo(DataType.DOUBLE)
                .muli(mask);
    }

    /** Small noise on every parameter (gamma and beta, running mean and log-deviation included). */
    private static void perturb(Model net) {
        INDArray p = net.params();
        p.addi(Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(77), p.shape()).castTo(p.dataType())
                .muli(0.05));
    }

    private static ComputationGraph residual() {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(11)
                .updater(new Adam(0.01)).weightInit(WeightInit.RELU).biasInit(0.05)
                .convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutionalFlat(8, 8, 1))
                .addLayer("stem", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build(), "in")
                .addLayer("stemBn", new BatchNormalization.Builder().build(), "stem")
                .addLayer("stemRelu", new ActivationLayer(Activation.RELU), "stemBn")
                .addLayer("pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(),
                        "stemRelu")
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "pool")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build(), "c1")
                .addLayer("bn2", new BatchNormalization.Builder().useLogStd(false).build(), "c2")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "bn2", "pool")
                .addLayer("relu", new ActivationLayer(Activation.RELU), "add")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "relu")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        train(net, images());
        return net;
    }

    private static ComputationGraph dense() {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(12)
                .updater(new Adam(0.01)).weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
                .setInputTypes(InputType.feedForward(100))
                .addLayer("d1", new DenseLayer.Builder().nOut(6).activation(Activation.TANH).build(), "in")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "d1")
                .addLayer("d2", new DenseLayer.Builder().nOut(4).activation(Activation.SIGMOID).build(), "in")
                .addVertex("m", new MergeVertex(), "bn1", "d2")
                .addLayer("d3", new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build(), "m")
                .addLayer("d4", new DenseLayer.Builder().nOut(5).activation(Activation.IDENTITY).build(), "in")
                .addVertex("sub", new ElementWiseVertex(ElementWiseVertex.Op.Subtract), "d3", "d4")
                .addVertex("half", new ScaleVertex(0.5), "sub")
                .addLayer("bn2", new BatchNormalization.Builder().build(), "half")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                        .activation(Activation.IDENTITY).build(), "bn2")
                .setOutputs("out").build());
        net.init();
        train(net, flat());
        return net;
    }

    private static void train(ComputationGraph net, Probe probe) {
        DataSet d = new DataSet(probe.features()[0], probe.labels()[0]);
        for (int i = 0; i < 15; i++) {
            net.fit(d);
        }
        perturb(net);
    }

    /** 48 images 8x8 (one channel, flat) whose class is where their bright band is. */
    private static Probe images() {
        return probe(64, 48, "images");
    }

    /** 48 examples of 100 features with noisy regression targets. */
    private static Probe flat() {
        return probe(100, 48, "flat");
    }

    private static Probe probe(int features, int n, String source) {
        java.util.Random r = new java.util.Random(4);
        float[] x = new float[n * features];
        float[][] y = new float[n][3];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(3);
            for (int p = 0; p < features; p++) {
                x[i * features + p] = (float) (r.nextGaussian() * 0.5 + ((p * 3) / features == c ? 1 : 0));
            }
            for (int k = 0; k < 3; k++) {
                y[i][k] = source.equals("flat") ? (float) (k == c ? 1 + 0.1 * r.nextGaussian() : 0.1 * r.nextGaussian())
                        : (k == c ? 1 : 0);
            }
        }
        return Probes.of(new DataSet(Nd4j.create(x, new long[]{n, features}, 'c'), Nd4j.create(y)), n, source);
    }
}
