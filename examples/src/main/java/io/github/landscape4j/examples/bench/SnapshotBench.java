package io.github.landscape4j.examples.bench;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.examples.FashionMnist;
import io.github.landscape4j.examples.Mlp;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench.sh snapshot}: one whole snapshot with the listener's default options (2,000-example train and
 * validation probes, 21x21 random and PCA planes, slices, random sharpness K=20, ε- and adaptive sharpness, Hessian
 * top and trace, per-tensor measures) of the Fashion-MNIST MLP 784-100-10 after 300 steps, through the engine's front
 * door, against one bare forward pass ({@code output(probe, false)}) of the same network on the same probe, measured
 * in the same run: bare forwards (median of 21) before and after each snapshot. Three snapshots: the first (cold: JIT
 * and workspaces) and two more; prints {@code snapshot_over_forward} of the later ones (median), the first one's
 * ratio to them, and each part's share of the time. Between the later ones, the same snapshot with ND4J's own thread
 * setting ({@code snapshotThreads=0}), printed as {@code snapshot_over_forward_nd4j_threads}.
 */
public final class SnapshotBench {
    public static void main(String[] args) throws Exception {
        List<DataSet> data = FashionMnist.train(12_800, 128);
        MultiLayerNetwork net = Mlp.create(7);
        List<INDArray> trajectory = new ArrayList<>();
        List<Long> iterations = new ArrayList<>();
        INDArray initial = net.params().dup();
        for (int i = 0; i < 300; i++) {
            if (i % 50 == 0) {
                trajectory.add(net.params().dup());
                iterations.add((long) i);
            }
            net.fit(data.get(i % data.size()));
        }
        Probe train = Probes.of(DataSet.merge(FashionMnist.train(2_000, 2_000)), 2_000, "first 2000 training examples");
        Probe validation = Probes.of(DataSet.merge(FashionMnist.test(2_000, 2_000)), 2_000, "first 2000 test examples");
        SnapshotConfig defaults = LandscapeConfig.defaults().snapshots();
        LandscapeEngine engine = LandscapeEngine.builder(net).config(defaults).seed(42).build();
        LandscapeEngine nd4jThreads = LandscapeEngine.builder(net).config(defaults).seed(42).threads(0).build();
        SnapshotRequest request = SnapshotRequest.of(train).withValidation(validation)
                .withTrajectory(trajectory, iterations.stream().mapToLong(Long::longValue).toArray(), initial)
                .withLearningRate(1e-3);
        INDArray x = train.features()[0];

        // the default engine (snapshotThreads=1) three times, the first cold; between its later snapshots, the same
        // with ND4J's own threads (snapshotThreads=0), so both are measured side by side in one run
        double[] seconds = new double[3];
        double[] forwardMs = new double[3];
        double[] otherRatio = new double[2];
        Map<String, Double> parts = new LinkedHashMap<>();
        for (int k = 0; k < 3; k++) {
            double before = forwardMedianMs(net, x);
            long t0 = System.nanoTime();
            Snapshot s = engine.snapshot(request.at(k, 300, 0, 0));
            seconds[k] = (System.nanoTime() - t0) / 1e9;
            forwardMs[k] = (before + forwardMedianMs(net, x)) / 2;
            if (k > 0) {
                s.timingsMillis().forEach((part, ms) -> parts.merge(part, ms / 2, Double::sum));
                double b = forwardMedianMs(net, x);
                long t1 = System.nanoTime();
                nd4jThreads.snapshot(request.at(k, 300, 0, 0));
                double sec = (System.nanoTime() - t1) / 1e9;
                otherRatio[k - 1] = sec / ((b + forwardMedianMs(net, x)) / 2) * 1000;
            }
        }
        double later = (seconds[1] / forwardMs[1] + seconds[2] / forwardMs[2]) / 2 * 1000;
        double total = parts.getOrDefault("total", 1.0);
        StringBuilder shares = new StringBuilder();
        parts.forEach((part, ms) -> {
            if (!part.equals("total")) {
                shares.append(String.format(Locale.ROOT, "%s\"%s\":%.3f", shares.length() == 0 ? "" : ",",
                        part, ms / total));
            }
        });
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"snapshot\",\"snapshot_over_forward\":%.0f,\"snapshot_s\":%.2f,\"forward_ms\":%.2f,"
                        + "\"first_over_later\":%.2f,\"first_s\":%.2f,\"threads\":\"%s\","
                        + "\"snapshot_over_forward_nd4j_threads\":%.0f,\"shares\":{%s}}",
                later, (seconds[1] + seconds[2]) / 2, (forwardMs[1] + forwardMs[2]) / 2,
                seconds[0] / ((seconds[1] + seconds[2]) / 2), seconds[0],
                System.getenv().getOrDefault("OMP_NUM_THREADS", "default"), (otherRatio[0] + otherRatio[1]) / 2,
                shares));
    }

    private static double forwardMedianMs(MultiLayerNetwork net, INDArray x) {
        double[] t = new double[21];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            net.output(x, false);
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        return SurfaceBench.median(t);
    }
}
