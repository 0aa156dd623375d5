package io.github.landscape4j.examples.bench;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.examples.Args;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.surface.internal.ProbeModel;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench.sh snapshot-cnn}, {@code snapshot-graph}, {@code snapshot-rnn}: one whole snapshot with the listener's
 * default options (2,000-example train and validation probes, 21x21 random and PCA planes, slices, random sharpness,
 * ε- and adaptive sharpness, Hessian top and trace, per-tensor measures) of a {@link BenchNetworks} network after 150
 * Adam steps, through the engine's front door, against one bare forward pass of the same network on the same probe
 * (DL4J's {@code output}, inference mode, default threads), measured in the same run: bare forwards (median of 7)
 * before and after each snapshot; also one forward of the engine's own copy ({@code engine_forward_ms}: DL4J's layers
 * with libnd4j's native convolution, pooling and batch norm, see {@code LayerHelpers}). {@code --snapshots N}
 * (default 2) snapshots: the first (cold: JIT and workspaces) and the later ones; prints the later ones'
 * {@code snapshot_over_forward} (mean), the first one's ratio to them, and each part's share of the later ones' time.
 */
public final class ModelSnapshotBench {
    public static void main(String[] args) throws Exception {
        BenchNetworks kind = BenchNetworks.valueOf(args[0].toUpperCase(Locale.ROOT));
        Args a = new Args(java.util.Arrays.copyOfRange(args, 1, args.length), java.util.Set.of("snapshots", "steps"));
        int snapshots = a.getInt("snapshots", 2);
        int steps = a.getInt("steps", 150);
        Model net = kind.create();
        List<MultiDataSet> data = kind.train(64 * 40, 64);
        List<INDArray> trajectory = new ArrayList<>();
        List<Long> iterations = new ArrayList<>();
        INDArray initial = net.params().dup();
        for (int i = 0; i < steps; i++) {
            if (i % 25 == 0) {
                trajectory.add(net.params().dup());
                iterations.add((long) i);
            }
            BenchNetworks.fit(net, data.get(i % data.size()));
        }
        Probe train = probe(kind.train(2_000, 2_000).get(0), "first 2000 training examples");
        Probe validation = probe(kind.validation(2_000), "2000 held-out examples");
        SnapshotConfig defaults = LandscapeConfig.defaults().snapshots();
        LandscapeEngine engine = LandscapeEngine.builder(net).config(defaults).seed(42).build();
        SnapshotRequest request = SnapshotRequest.of(train).withValidation(validation)
                .withTrajectory(trajectory, iterations.stream().mapToLong(Long::longValue).toArray(), initial)
                .withLearningRate(1e-3);

        double[] seconds = new double[snapshots];
        double[] forwardMs = new double[snapshots];
        Map<String, Double> parts = new LinkedHashMap<>();
        for (int k = 0; k < snapshots; k++) {
            double before = forwardMedianMs(net, train);
            long t0 = System.nanoTime();
            Snapshot s = engine.snapshot(request.at(k, steps, 0, 0));
            seconds[k] = (System.nanoTime() - t0) / 1e9;
            forwardMs[k] = (before + forwardMedianMs(net, train)) / 2;
            System.err.printf(Locale.ROOT, "snapshot %d: %.1f s, forward %.1f ms, parts %s%n", k, seconds[k],
                    forwardMs[k], s.timingsMillis());
            if (k > 0 || snapshots == 1) {
                int later = Math.max(1, snapshots - 1);
                s.timingsMillis().forEach((part, ms) -> parts.merge(part, ms / later, Double::sum));
            }
        }
        double engineForward = engineForwardMedianMs(net, train);
        int from = snapshots == 1 ? 0 : 1;
        double ratio = 0;
        double laterSeconds = 0;
        double laterForward = 0;
        for (int k = from; k < snapshots; k++) {
            ratio += seconds[k] / forwardMs[k] * 1000 / (snapshots - from);
            laterSeconds += seconds[k] / (snapshots - from);
            laterForward += forwardMs[k] / (snapshots - from);
        }
        double total = parts.getOrDefault("total", 1.0);
        StringBuilder shares = new StringBuilder();
        parts.forEach((part, ms) -> {
            if (!part.equals("total")) {
                shares.append(String.format(Locale.ROOT, "%s\"%s\":%.3f", shares.length() == 0 ? "" : ",",
                        part, ms / total));
            }
        });
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"snapshot-%s\",\"parameters\":%d,\"snapshot_over_forward\":%.0f,\"snapshot_s\":%.2f,"
                        + "\"forward_ms\":%.2f,\"engine_forward_ms\":%.2f,\"first_over_later\":%.2f,\"first_s\":%.2f,"
                        + "\"snapshots\":%d,\"shares\":{%s}}",
                kind.name().toLowerCase(Locale.ROOT), net.numParams(), ratio, laterSeconds, laterForward, engineForward,
                seconds[0] / laterSeconds, seconds[0], snapshots, shares));
    }

    private static Probe probe(MultiDataSet d, String source) {
        return new Probe(d.getFeatures(), d.getLabels(), d.getFeaturesMaskArrays(), d.getLabelsMaskArrays(),
                source);
    }

    /** A forward of the engine's private copy (native layer operations) on the probe, median of 7. */
    private static double engineForwardMedianMs(Model net, Probe probe) {
        ProbeModel copy = ProbeModel.of(net, null);
        return medianMs(() -> copy.outputs(probe));
    }

    static double forwardMedianMs(Model net, Probe probe) {
        return medianMs(() -> {
            if (net instanceof MultiLayerNetwork m) {
                m.output(probe.features()[0], false, probe.featureMask(0), probe.labelMask(0));
            } else {
                ((ComputationGraph) net).output(false, probe.features(), probe.featureMasks(), probe.labelMasks());
            }
        });
    }

    /** The median of 7 timed runs of {@code forward}, in milliseconds. */
    private static double medianMs(Runnable forward) {
        double[] t = new double[7];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            forward.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        return SurfaceBench.median(t);
    }
}
