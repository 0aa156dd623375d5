package io.github.landscape4j.examples.bench;

import io.github.landscape4j.direction.Normalization;
import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.sharpness.internal.Hessian;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Probes;
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

import java.util.Arrays;
import java.util.Locale;

/**
 * {@code bench.sh hessian}: the top Hessian eigenvalue of a small network (MLP 4-8-3 tanh, 67 parameters, trained
 * 200 epochs on 150 examples of three generated clusters) by the plugin's Lanczos iteration on finite-difference
 * Hessian-vector products, against the eigendecomposition of the full Hessian, built column by column from products
 * with the unit vectors (67 products, double precision) and symmetrized. Prints the relative error and the number of
 * products Lanczos used, and the same for the power iteration (the fallback for models too big for a Lanczos basis)
 * at the same tolerance.
 */
public final class HessianBench {
    public static void main(String[] args) {
        DataSet iris = threeClusters(150, 4, 5);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .updater(new Adam(0.02)).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        for (int i = 0; i < 200; i++) {
            net.fit(iris);
        }
        Probe probe = Probes.of(iris, 150, "three clusters");
        ProbeModel model = ProbeModel.of(net, DataType.DOUBLE);
        Directions all = new Directions(Models.tensors(net), Normalization.FILTER, true);
        INDArray theta = net.params().castTo(DataType.DOUBLE).reshape(net.numParams());
        UnitVectorHessian exact = UnitVectorHessian.of(new Hessian(model, all), theta, probe);
        double[] eig = exact.eigenvalues();
        double top = exact.top();
        int n = (int) net.numParams();

        Hessian hessian = new Hessian(model, all);
        Hessian.Top found = hessian.top(theta, probe, Nd4j.getRandomFactory().getNewRandomInstance(11), 20, 1e-4,
                null, null);
        double rel = Math.abs(found.eigenvalue() - top) / top;
        Hessian.Top power = new Hessian(model, all, Hessian.RELATIVE_STEP, 0).top(theta, probe,
                Nd4j.getRandomFactory().getNewRandomInstance(11), 20, 1e-4, null, null);
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"hessian\",\"rel_error\":%.5f,\"hvps\":%d,\"top_eigenvalue\":%.6f,\"exact\":%.6f,"
                        + "\"second_exact\":%.6f,\"params\":%d,\"power_rel_error\":%.5f,\"power_hvps\":%d}",
                rel, found.hvps(), found.eigenvalue(), top, secondLargest(eig), n,
                Math.abs(power.eigenvalue() - top) / top, power.hvps()));
    }

    /** Three Gaussian clusters in {@code features} dimensions (DL4J's Iris download is not reachable here). */
    private static DataSet threeClusters(int n, int features, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[][] x = new float[n][features];
        float[][] y = new float[n][3];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            for (int j = 0; j < features; j++) {
                x[i][j] = (float) (r.nextGaussian() + (j % 3 == c ? 1.5 : 0));
            }
            y[i][c] = 1f;
        }
        return new DataSet(Nd4j.create(x), Nd4j.create(y));
    }

    private static double secondLargest(double[] eig) {
        double[] s = Arrays.stream(eig).map(Math::abs).sorted().toArray();
        return s[s.length - 2];
    }
}
