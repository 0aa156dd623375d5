package io.github.landscape4j.examples.bench;

import io.github.landscape4j.direction.Normalization;
import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.examples.FashionMnist;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.sharpness.internal.Hessian;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Probes;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;
import java.util.Locale;

/**
 * {@code bench.sh hessian-relu}: the engine's top Hessian eigenvalue (Lanczos, 20 products at most, as a
 * snapshot runs it) and Hutchinson trace (10 Rademacher vectors) on a ReLU MLP with a softmax output (Fashion-MNIST
 * pooled to 7x7, 49-16-10, 970 parameters, 1,000-example probe, all parameters), against the Hessian built column
 * by column from DL4J's own backpropagated gradient (forward differences along each unit vector with a 1e-8 step,
 * symmetrized; no landscape4j product involved). The trace is compared on the same Rademacher vectors ({@code vᵀHv}
 * of the reference against the engine's), so sampling noise cancels and what is left is the error of the products.
 * Three product paths: the engine's for this network (the exact R-operator, {@code trace_rel_error},
 * {@code top_rel_error}); the finite differences of DL4J's gradients that networks without an exact path use, at the
 * default step ({@code fd_...}); and at the step used before 2026-11-24, 1e-3 of ||θ|| ({@code ..._step_1e-3}).
 */
public final class HessianReluBench {
    public static void main(String[] args) throws Exception {
        FashionMnist.requireInstalled();
        DataSet train = pooled(DataSet.merge(FashionMnist.train(1000, 1000)));
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7)
                .updater(new Adam(0.005)).weightInit(WeightInit.RELU).list()
                .layer(new DenseLayer.Builder().nIn(49).nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        List<DataSet> batches = train.batchBy(100);
        for (int epoch = 0; epoch < 30; epoch++) {
            batches.forEach(net::fit);
        }
        Probe probe = Probes.of(train, 1000, "fashion-mnist 7x7");
        ProbeModel model = ProbeModel.of(net, DataType.DOUBLE);
        ProbeModel differences = ProbeModel.of(net, DataType.DOUBLE).withoutExactPath(); // DL4J's gradients
        Directions all = new Directions(Models.tensors(net), Normalization.FILTER, true);
        INDArray theta = net.params().castTo(DataType.DOUBLE).reshape(net.numParams());
        int n = (int) net.numParams();
        UnitVectorHessian reference = UnitVectorHessian.of(new Hessian(differences, all, 1e-8, Hessian.LANCZOS_BYTES), theta, probe);
        RealMatrix exact = reference.matrix();
        double asymmetry = reference.asymmetry();
        double top = reference.top();

        double[] now = errors(new Hessian(model, all), theta, probe, exact, top);
        double[] fd = errors(new Hessian(differences, all), theta, probe, exact, top);
        double[] before = errors(new Hessian(differences, all, 1e-3, Hessian.LANCZOS_BYTES), theta, probe, exact, top);
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"hessian-relu\",\"trace_rel_error\":%.2e,\"top_rel_error\":%.2e,\"top_hvps\":%d,"
                        + "\"fd_trace_rel_error\":%.2e,\"fd_top_rel_error\":%.2e,"
                        + "\"exact_top\":%.6f,\"exact_trace\":%.6f,\"relative_step\":%.0e,"
                        + "\"trace_rel_error_step_1e-3\":%.4f,\"top_rel_error_step_1e-3\":%.4f,"
                        + "\"exact_asymmetry\":%.1e,\"params\":%d,\"probe\":%d}",
                now[0], now[1], (int) now[2], fd[0], fd[1], top, exact.getTrace(), Hessian.RELATIVE_STEP, before[0],
                before[1], asymmetry, n, probe.size()));
    }

    /** {trace error on the same vectors, top eigenvalue error, products used by Lanczos}. */
    private static double[] errors(Hessian hessian, INDArray theta, Probe probe, RealMatrix exact, double top) {
        int samples = 10;
        double estimate = hessian.trace(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(17), samples);
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(17);
        double same = 0;
        for (int i = 0; i < samples; i++) {
            RealVector v = MatrixUtils.createRealVector(
                    Hessian.rademacher(rng, theta.length(), DataType.DOUBLE).toDoubleVector());
            same += v.dotProduct(exact.operate(v));
        }
        same /= samples;
        Hessian.Top found = hessian.top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(11), 20, 1e-3,
                null, null);
        return new double[]{Math.abs(estimate - same) / Math.abs(same),
                Math.abs(Math.abs(found.eigenvalue()) - top) / top, found.hvps()};
    }

    /** 28x28 images averaged over 4x4 blocks to 7x7, so the full Hessian stays small. */
    private static DataSet pooled(DataSet d) {
        INDArray x = d.getFeatures().reshape(d.numExamples(), 7, 4, 7, 4).mean(2, 4).reshape(d.numExamples(), 49);
        return new DataSet(x, d.getLabels());
    }
}
