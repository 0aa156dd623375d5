package io.github.landscape4j.examples.bench;

import io.github.landscape4j.direction.Normalization;
import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.examples.FashionMnist;
import io.github.landscape4j.examples.Mlp;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.surface.internal.LinearFirstLayer;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Probes;
import io.github.landscape4j.surface.internal.SurfaceComputer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench.sh surface} and {@code bench.sh surface-linear}: the Fashion-MNIST MLP 784-100-10 (after 300
 * training steps), a 2,000-example probe, a 21x21 filter-normalized random plane. Side by side in one run, row by
 * row: one row of 21 grid points (loss and accuracy from one evaluation each), then 21 bare forward passes
 * ({@code output(probe, false)}) of the same network on the same probe, alternating which goes first. Prints the
 * median over rows of (time per point / time per forward). {@code surface-linear} uses the first-layer linearity
 * path and also checks its surface against the generic one (max relative difference).
 */
public final class SurfaceBench {
    public static void main(String[] args) throws Exception {
        boolean linear = args.length > 0 && args[0].equals("linear");
        List<DataSet> data = FashionMnist.train(12_800, 128);
        MultiLayerNetwork net = Mlp.create(7);
        for (int i = 0; i < 300; i++) {
            net.fit(data.get(i % data.size()));
        }
        DataSet probeData = DataSet.merge(FashionMnist.train(2_000, 2_000));
        Probe probe = Probes.of(probeData, 2_000, "first 2000 training examples");
        List<ParameterTensor> tensors = Models.tensors(net);
        Directions directions = new Directions(tensors, Normalization.FILTER, false);
        INDArray theta = net.params().dup();
        INDArray d1 = directions.random(Nd4j.getRandomFactory().getNewRandomInstance(1), theta);
        INDArray d2 = directions.random(Nd4j.getRandomFactory().getNewRandomInstance(2), theta);
        ProbeModel model = ProbeModel.of(net, null);
        LinearFirstLayer shared = linear ? LinearFirstLayer.of(model, tensors).orElseThrow() : null;
        SurfaceComputer computer = new SurfaceComputer(model, shared);
        int n = 21;
        double[] axis = SurfaceComputer.linspace(-1, 1, n);
        INDArray x = probeData.getFeatures();
        for (int i = 0; i < 10; i++) { // warm-up
            net.output(x, false);
        }
        computer.plane(theta, d1, d2, new double[]{0, 0.5}, new double[]{0}, probe, null);

        double[] ratio = new double[n];
        double[] pointMs = new double[n];
        double[] forwardMs = new double[n];
        double[][] loss = new double[n][];
        long planeNanos = 0;
        for (int j = 0; j < n; j++) {
            long fwd;
            long pts;
            if (j % 2 == 0) {
                fwd = forwards(net, x, n);
                long t0 = System.nanoTime();
                loss[j] = computer.plane(theta, d1, d2, axis, new double[]{axis[j]}, probe, null)[0].loss()[0];
                pts = System.nanoTime() - t0;
            } else {
                long t0 = System.nanoTime();
                loss[j] = computer.plane(theta, d1, d2, axis, new double[]{axis[j]}, probe, null)[0].loss()[0];
                pts = System.nanoTime() - t0;
                fwd = forwards(net, x, n);
            }
            planeNanos += pts;
            pointMs[j] = pts / 1e6 / n;
            forwardMs[j] = fwd / 1e6 / n;
            ratio[j] = pointMs[j] / forwardMs[j];
        }
        String extra = "";
        if (linear) {
            double[][] generic = new SurfaceComputer(model).plane(theta, d1, d2, axis, axis, probe, null)[0].loss();
            double maxRel = 0;
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++) {
                    maxRel = Math.max(maxRel, Math.abs(loss[j][i] - generic[j][i]) / Math.abs(generic[j][i]));
                }
            }
            extra = String.format(Locale.ROOT, ",\"max_rel_diff_vs_generic\":%.2e", maxRel);
        }
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"%s\",\"per_point_over_forward\":%.3f,\"point_ms\":%.2f,\"forward_ms\":%.2f,"
                        + "\"plane_21x21_s\":%.2f,\"probe\":2000,\"params\":%d%s}",
                linear ? "surface-linear" : "surface", median(ratio), median(pointMs), median(forwardMs),
                planeNanos / 1e9, net.numParams(), extra));
    }

    private static long forwards(MultiLayerNetwork net, INDArray x, int count) {
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            net.output(x, false);
        }
        return System.nanoTime() - t0;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
