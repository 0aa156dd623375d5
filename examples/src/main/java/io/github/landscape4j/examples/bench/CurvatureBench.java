package io.github.landscape4j.examples.bench;

import io.github.landscape4j.direction.Normalization;
import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.examples.FashionMnist;
import io.github.landscape4j.examples.Mlp;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.sharpness.internal.Hessian;
import io.github.landscape4j.sharpness.internal.Sharpness;
import io.github.landscape4j.store.Snapshot;
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
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;
import java.util.Locale;

/**
 * {@code bench.sh curvature}: how close a default snapshot's curvature and sharpness numbers come to their exact or
 * converged values, on the demo MLP (784-100-10, ReLU, softmax, 300 Adam steps; 1,000-example train probe; default
 * options, every trainable parameter):
 * <ul>
 *   <li>{@code trace_rel_error}: the snapshot's Hessian trace against the exact trace, computed independently in
 *   float64 from the closed form of the diagonal (a ReLU network is linear in each single weight inside its linear
 *   region, so the diagonal of the Hessian is the Gauss-Newton one: {@code Σ_n a_i² · (Σ_c p_c w_c² − (Σ_c p_c
 *   w_c)²)} for a weight into a unit whose logit gradients are {@code w}); {@code trace_se_rel}: its standard error
 *   over the trace; {@code trace_z}: the error in standard errors over 8 engine seeds (root mean square: about 1 when
 *   the standard error is honest);</li>
 *   <li>{@code top_rel_error}: {@code λ_max} against a Lanczos run of 300 steps at tolerance 1e-12 on the same exact
 *   products;</li>
 *   <li>{@code eps_shortfall}: {@code 1 − } the default ε-sharpness over that of a long ascent (one local search of
 *   up to 200 evaluations) from the same start: whether the default converges; for the demo MLP and for a tanh MLP
 *   with a squared-error output ({@code eps_shortfall_smooth}); {@code eps_converged*} and {@code long_ascent_*} say
 *   whether each converged and in how many evaluations. {@code eps_shortfall*_multistart}: the same against 200
 *   evaluations with random restarts, which can find a better local maximum of the box problem (finding the global
 *   one is NP-hard): how much a bigger {@code ascentSteps} budget buys.</li>
 * </ul>
 */
public final class CurvatureBench {
    private static final int PROBE = 1000;
    /** Evaluations of the reference ascents. */
    private static final int LONG = 200;

    public static void main(String[] args) throws Exception {
        FashionMnist.requireInstalled();
        List<DataSet> data = FashionMnist.train(12_800, 128);
        Probe probe = Probes.of(DataSet.merge(FashionMnist.train(PROBE, PROBE)), PROBE, "first 1000 training examples");
        MultiLayerNetwork relu = Mlp.create(7);
        train(relu, data);
        SnapshotConfig defaults = LandscapeConfig.defaults().snapshots();

        double exactTrace = exactTrace(relu, probe);
        double[] z = new double[8];
        Snapshot first = null;
        for (int seed = 0; seed < z.length; seed++) {
            Snapshot s = LandscapeEngine.builder(relu).config(defaults).seed(42 + seed).build()
                    .snapshot(SnapshotRequest.of(probe).at(0, 300, 0, 0));
            z[seed] = (s.measures().get("hessian_trace") - exactTrace) / s.measures().get("hessian_trace_se");
            if (first == null) {
                first = s;
            }
        }
        double trace = first.measures().get("hessian_trace");
        double traceSe = first.measures().get("hessian_trace_se");
        double top = first.measures().get("hessian_top");
        ProbeModel exact = ProbeModel.of(relu, DataType.DOUBLE);
        Directions all = new Directions(Models.tensors(relu), Normalization.FILTER, true);
        INDArray theta = relu.params().castTo(DataType.DOUBLE).reshape(relu.numParams());
        Hessian.Top converged = new Hessian(exact, all).top(theta, probe, Nd4j.getRandomFactory()
                .getNewRandomInstance(3), 300, 1e-12, null, null);

        double[] shortfall = shortfall(relu, probe, defaults);
        MultiLayerNetwork smooth = tanhMse();
        train(smooth, data);
        double[] shortfallSmooth = shortfall(smooth, probe, defaults);
        double rms = Math.sqrt(java.util.Arrays.stream(z).map(v -> v * v).sum() / z.length);
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"curvature\",\"trace_rel_error\":%.4f,\"trace_se_rel\":%.4f,\"trace_z_rms_8_seeds\":%.2f,"
                        + "\"top_rel_error\":%.2e,\"eps_shortfall\":%.4f,\"eps_shortfall_smooth\":%.4f,"
                        + "\"eps_shortfall_multistart\":%.4f,\"eps_shortfall_smooth_multistart\":%.4f,"
                        + "\"eps_converged\":%d,\"eps_converged_smooth\":%d,\"long_ascent_steps\":%d,"
                        + "\"long_ascent_steps_smooth\":%d,\"long_ascent_converged\":%d,"
                        + "\"long_ascent_converged_smooth\":%d,"
                        + "\"exact_trace\":%.4f,\"trace\":%.4f,\"trace_se\":%.4f,\"trace_exact_directions\":%s,"
                        + "\"exact_top\":%.6f,\"top\":%.6f,\"top_hvps\":%s,\"probe\":%d}",
                (trace - exactTrace) / exactTrace, traceSe / Math.abs(trace), rms,
                (top - converged.eigenvalue()) / converged.eigenvalue(), shortfall[0], shortfallSmooth[0],
                shortfall[1], shortfallSmooth[1], (int) shortfall[2], (int) shortfallSmooth[2], (int) shortfall[3],
                (int) shortfallSmooth[3], (int) shortfall[4], (int) shortfallSmooth[4], exactTrace, trace,
                traceSe, first.measures().getOrDefault("hessian_trace_exact_directions", Double.NaN),
                converged.eigenvalue(), top, first.measures().get("hessian_top_hvps"), PROBE));
    }

    private static void train(MultiLayerNetwork net, List<DataSet> data) {
        for (int i = 0; i < 300; i++) {
            net.fit(data.get(i % data.size()));
        }
    }

    /**
     * The exact trace of the Hessian of the mean cross-entropy of a 784-H-10 ReLU/softmax MLP over the probe, every
     * parameter: the sum of its diagonal in closed form, in float64 (DL4J's ReLU derivative at 0 is 0).
     */
    static double exactTrace(MultiLayerNetwork net, Probe probe) {
        INDArray x = probe.features()[0].castTo(DataType.DOUBLE);
        INDArray w1 = net.getParam("0_W").castTo(DataType.DOUBLE);
        INDArray b1 = net.getParam("0_b").castTo(DataType.DOUBLE);
        INDArray w2 = net.getParam("1_W").castTo(DataType.DOUBLE);
        INDArray b2 = net.getParam("1_b").castTo(DataType.DOUBLE);
        long n = x.size(0);
        INDArray z1 = x.mmul(w1).addiRowVector(b1);
        INDArray on = z1.gt(0).castTo(DataType.DOUBLE);
        INDArray a1 = z1.mul(on);
        INDArray p = Transforms.softmax(a1.mmul(w2).addiRowVector(b2), false);
        INDArray pq = p.mul(p.rsub(1.0)); // p_c (1 - p_c): the diagonal of diag(p) - p pᵀ
        // output layer: weight (j, c) has a_j² p_c(1-p_c); bias c has p_c(1-p_c)
        double outW = a1.mul(a1).sum(1).mul(pq.sum(1)).sumNumber().doubleValue();
        double outB = pq.sumNumber().doubleValue();
        // hidden unit j: its logit gradients are W2[j, :] where it is on; wᵀ(diag(p) - ppᵀ)w per example
        INDArray q = p.mmul(w2.mul(w2).transpose()).sub(Transforms.pow(p.mmul(w2.transpose()), 2)).muli(on);
        double hidW = x.mul(x).sum(1).mul(q.sum(1)).sumNumber().doubleValue();
        double hidB = q.sumNumber().doubleValue();
        return (outW + outB + hidW + hidB) / n;
    }

    /**
     * The default ascent against two references from the same start: {1 − its ε-sharpness over that of one local
     * search of up to 200 evaluations (a long ascent: what the default must converge to), 1 − over that of 200
     * evaluations with random restarts (a multi-start search for a better local maximum), whether the default
     * converged (1/0), evaluations the long ascent took, whether it converged (1/0)}.
     */
    private static double[] shortfall(MultiLayerNetwork net, Probe probe, SnapshotConfig c) {
        ProbeModel model = ProbeModel.of(net, net.params().dataType());
        Directions weights = new Directions(Models.tensors(net), c.normalization(), c.biasBn());
        Sharpness sharpness = new Sharpness(model, weights);
        INDArray theta = net.params().dup().reshape(net.numParams());
        double base = model.evaluate(probe).loss();
        Sharpness.Ascent usual = sharpness.epsilonSharpness(model, theta, base, probe, c.epsilon(), c.ascentSteps(),
                false, !c.sharpnessBoxAll(), Nd4j.getRandomFactory().getNewRandomInstance(5));
        Sharpness.Ascent along = sharpness.epsilonSharpness(model, theta, base, probe, c.epsilon(), LONG, false,
                !c.sharpnessBoxAll(), Nd4j.getRandomFactory().getNewRandomInstance(5), null, false);
        Sharpness.Ascent multi = sharpness.epsilonSharpness(model, theta, base, probe, c.epsilon(), LONG, false,
                !c.sharpnessBoxAll(), Nd4j.getRandomFactory().getNewRandomInstance(5));
        return new double[] {1 - usual.sharpness() / along.sharpness(), 1 - usual.sharpness() / multi.sharpness(),
                usual.converged() ? 1 : 0, along.steps(), along.converged() ? 1 : 0};
    }

    private static MultiLayerNetwork tanhMse() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7)
                .updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(64).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(64).nOut(10)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }
}
