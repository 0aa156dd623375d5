package io.github.landscape4j.surface;

import io.github.landscape4j.direction.Normalization;
import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.sharpness.internal.Hessian;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.surface.internal.Curvature;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
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
 * The exact gradient and Hessian-vector products of plain MLPs (ProbeModel's R-operator path) against DL4J's own
 * backpropagation on the same double-precision copy: the gradient to rounding, and {@code H·v} against a central
 * difference of DL4J gradients (error {@code O(h²)}), on ReLU/softmax, tanh/sigmoid/softmax (where {@code σ''}
 * matters), identity/MSE, and a mini-batch-false network; a batch-norm network keeps DL4J's path.
 */
class ExactCurvatureTest {

    @Test
    void reluSoftmaxMlpMatchesDl4j() {
        check(net(Activation.RELU, Activation.RELU, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT, true), false);
    }

    @Test
    void smoothActivationsMatchDl4jIncludingSecondDerivatives() {
        check(net(Activation.TANH, Activation.SIGMOID, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT, true),
                false);
    }

    @Test
    void meanSquaredErrorRegressionMatchesDl4j() {
        check(net(Activation.TANH, Activation.LEAKYRELU, Activation.IDENTITY, LossFunctions.LossFunction.MSE, true),
                true);
    }

    @Test
    void summedLossOfMiniBatchFalseNetworkMatchesDl4j() {
        check(net(Activation.SIGMOID, Activation.RELU, Activation.SOFTMAX,
                LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD, false), false);
    }

    @Test
    void singlePrecisionProductsAndEigenvaluesAgreeWithDouble() {
        MultiLayerNetwork net = net(Activation.RELU, Activation.TANH, Activation.SOFTMAX,
                LossFunctions.LossFunction.MCXENT, true);
        Probe probe = Probes.of(data(5, 3, false, 60), 60, "blobs");
        ProbeModel single = ProbeModel.of(net, null);
        ProbeModel dbl = ProbeModel.of(net, DataType.DOUBLE);
        assertThat(single.dataType()).isEqualTo(DataType.FLOAT);
        INDArray v = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(9), net.numParams());
        INDArray hvFloat = single.curvature(probe).orElseThrow().product(v.castTo(DataType.FLOAT), null);
        INDArray hvDouble = dbl.curvature(probe).orElseThrow().product(v.castTo(DataType.DOUBLE), null);
        assertThat(CurvatureChecks.relative(hvFloat.castTo(DataType.DOUBLE), hvDouble)).isLessThan(1e-5);

        Directions all = new Directions(Models.tensors(net), Normalization.FILTER, true);
        Hessian hf = new Hessian(single, all);
        Hessian hd = new Hessian(dbl, all);
        INDArray theta = net.params().reshape(net.numParams());
        INDArray thetaD = theta.castTo(DataType.DOUBLE); // one centre array: both traces deflated by their basis
        double topF = hf.top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(2), 20, 1e-9, null, null)
                .eigenvalue();
        double topD = hd.top(thetaD, probe, Nd4j.getRandomFactory().getNewRandomInstance(2), 20,
                1e-9, null, null).eigenvalue();
        assertThat(topF).isCloseTo(topD, org.assertj.core.api.Assertions.within(1e-5 * Math.abs(topD)));
        double trF = hf.trace(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(3), 10);
        double trD = hd.trace(thetaD, probe, Nd4j.getRandomFactory().getNewRandomInstance(3), 10);
        assertThat(trF).isCloseTo(trD, org.assertj.core.api.Assertions.within(1e-5 * Math.abs(trD)));
    }

    @Test
    void finiteDifferencesRefuseASinglePrecisionCopy() {
        MultiLayerNetwork net = net(Activation.RELU, Activation.RELU, Activation.SOFTMAX,
                LossFunctions.LossFunction.MCXENT, true);
        Probe probe = Probes.of(data(5, 3, false, 60), 60, "blobs");
        Hessian h = new Hessian(ProbeModel.of(net, null).withoutExactPath(),
                new Directions(Models.tensors(net), Normalization.FILTER, true));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.gradientAt(net.params(), probe))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("double-precision");
    }

    @Test
    void batchNormNetworkTakesTheGraphPathInInferenceMode() {
        MultiLayerNetwork bn = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(6).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().nOut(6).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        bn.init();
        Probe probe = Probes.of(data(5, 3, false, 40), 40, "bn");
        ProbeModel model = ProbeModel.of(bn, DataType.DOUBLE);
        INDArray theta = model.params().dup();
        INDArray g = model.curvature(probe).orElseThrow().gradient(); // ExactGraph (ExactGraphTest checks its numbers)
        INDArray u = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(5), theta.length()).castTo(DataType.DOUBLE);
        for (io.github.landscape4j.store.ParameterTensor t : io.github.landscape4j.engine.internal.Models.tensors(bn)) {
            if ("batchnorm_statistics".equals(t.role())) {
                u.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(t.offset(), t.offset() + t.length())).assign(0);
            }
        }
        double h = 1e-6;
        model.load(theta.add(u.mul(h)));
        double plus = model.evaluate(probe).loss(); // inference mode, as every snapshot loss
        model.load(theta.sub(u.mul(h)));
        double minus = model.evaluate(probe).loss();
        model.load(theta);
        assertThat(g.mul(u).sumNumber().doubleValue()).isCloseTo((plus - minus) / (2 * h),
                within(1e-6 * g.norm2Number().doubleValue() * u.norm2Number().doubleValue()));
    }

    private static void check(MultiLayerNetwork net, boolean regression) {
        Probe probe = Probes.of(data(5, 3, regression, 60), 60, "blobs");
        ProbeModel exact = ProbeModel.of(net, DataType.DOUBLE);
        ProbeModel dl4j = ProbeModel.of(net, DataType.DOUBLE).withoutExactPath();
        INDArray theta = exact.params().dup();

        INDArray g = exact.gradient(probe);
        INDArray reference = dl4j.gradient(probe);
        assertThat(CurvatureChecks.relative(g, reference)).as("gradient").isLessThan(1e-12);

        Curvature c = exact.curvature(probe).orElseThrow();
        assertThat(CurvatureChecks.relative(c.gradient(), reference)).as("centre gradient").isLessThan(1e-12);
        INDArray v = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(9), theta.length())
                .castTo(DataType.DOUBLE);
        INDArray hv = c.product(v, null);
        INDArray fd = CurvatureChecks.centralDifference(dl4j, theta, v, probe, 1e-4);
        assertThat(CurvatureChecks.relative(hv, fd)).as("H·v against a central difference of DL4J gradients").isLessThan(1e-6);
        assertThat(hv.norm2Number().doubleValue()).isGreaterThan(1e-3);

        CurvatureChecks.assertBlocks(c, Models.tensors(net), v);
        assertThat(exact.params()).isEqualTo(theta);
    }



    private static MultiLayerNetwork net(Activation a1, Activation a2, Activation out, LossFunctions.LossFunction loss,
                                         boolean miniBatch) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(11).miniBatch(miniBatch)
                .updater(new Adam(0.01)).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(7).activation(a1).build())
                .layer(new DenseLayer.Builder().nIn(7).nOut(6).activation(a2).hasBias(a2 != Activation.RELU).build())
                .layer(new OutputLayer.Builder(loss).nIn(6).nOut(3).activation(out).build())
                .build());
        net.init();
        DataSet d = data(5, 3, loss == LossFunctions.LossFunction.MSE, 60);
        for (int i = 0; i < 30; i++) {
            net.fit(d);
        }
        return net;
    }

    private static DataSet data(int in, int out, boolean regression, int n) {
        java.util.Random r = new java.util.Random(4);
        float[][] x = new float[n][in];
        float[][] y = new float[n][out];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(out);
            for (int j = 0; j < in; j++) {
                x[i][j] = (float) (r.nextGaussian() + (j % out == c ? 1.5 : 0));
            }
            if (regression) {
                for (int k = 0; k < out; k++) {
                    y[i][k] = (float) (Math.sin(x[i][k]) + 0.1 * r.nextGaussian());
                }
            } else {
                y[i][c] = 1;
            }
        }
        return new DataSet(Nd4j.create(x), Nd4j.create(y));
    }

}
