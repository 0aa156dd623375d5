package io.github.landscape4j.examples.bench;

import io.github.landscape4j.examples.FashionMnist;
import io.github.landscape4j.examples.Mlp;
import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.listener.LandscapeListenerBuilder;
import io.github.landscape4j.store.LandscapeStore;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench.sh overhead}: the cost of recording with default options (scalars at the {@code every=auto} cadence,
 * per-tensor norms on every 10th row, checkpoints every 50 iterations) on training steps of the Fashion-MNIST MLP
 * 784-100-10 at batch 128. Two identical networks, one without and one with the listener, take training steps in
 * alternation, one step each, in one run, so that the machine's drift hits both alike; the overhead is
 * median(step with) / median(step without) - 1, with its standard error within the run ({@code overhead_se}, a
 * bootstrap over the step pairs). The time spent inside the listener's callbacks is also summed
 * ({@code callback_share}), so is the CPU time of the plugin's own threads ({@code writer_cpu_share}: the store's
 * writer, off the training thread but on the same cores), the mean's ratio is given beside the medians'
 * ({@code overhead_mean}), and the scalar interval {@code every=auto} settled on is read back from the store.
 * Measured three times: with the default options, with a row every iteration ({@code every=1}), and with a row and
 * a commit every iteration.
 */
public final class OverheadBench {
    /**
     * Steps each network takes before the measured ones. 500, not 200: with 200 the first of the three measurements
     * (the defaults) still ran while the JIT compiled DL4J's paths (an empty listener measured -1.1% to +1.0% in an
     * ad-hoc harness once warm), and {@code every=auto} settles over its first windows of 64 iterations.
     */
    private static final int WARM_UP = 500;
    public static void main(String[] args) throws Exception {
        int steps = Integer.parseInt(System.getProperty("steps", "1500"));
        List<DataSet> data = FashionMnist.train(12_800, 128);
        Path dir = Files.createTempDirectory("landscape4j-bench");

        double[] defaults = measure(data, steps, dir.resolve("defaults.db"), null, null, null);
        double[] everyRow = measure(data, steps, dir.resolve("every-row.db"), 1, 100, 2000L);
        double[] everyCommit = measure(data, steps, dir.resolve("every-commit.db"), 1, 1, 1L);
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"overhead\",\"overhead\":%.4f,\"overhead_se\":%.4f,\"callback_share\":%.4f,"
                        + "\"callback_us_per_step\":%.1f,\"overhead_mean\":%.4f,\"writer_cpu_share\":%.4f,"
                        + "\"writer_cpu_share_commit_every_iteration\":%.4f,"
                        + "\"scalar_interval\":%d,\"overhead_every_iteration\":%.4f,"
                        + "\"callback_share_every_iteration\":%.4f,"
                        + "\"overhead_commit_every_iteration\":%.4f,\"callback_share_commit_every_iteration\":%.4f,"
                        + "\"step_ms_without\":%.3f,\"step_ms_with\":%.3f,\"steps\":%d,\"batch\":128,"
                        + "\"params\":79510}",
                defaults[0], defaults[8], defaults[3], defaults[4], defaults[7], defaults[6], everyCommit[6],
                (int) defaults[5], everyRow[0], everyRow[3], everyCommit[0], everyCommit[3], defaults[1], defaults[2],
                steps));
    }

    /**
     * Returns {overhead, median step ms without, median step ms with, callback share, callback µs per step, scalar
     * interval, writer CPU share, mean overhead, overhead's standard error}. The callback share is the time spent
     * inside the listener's callbacks over the time of the steps with it: the direct cost, steadier than the
     * wall-time ratio on a noisy machine. The writer CPU share is the CPU time of the plugin's own threads (the
     * store's writer) over the same time: work off the training thread that, on 2 cores, still competes with ND4J's
     * threads. The mean overhead (total time with over total time without) counts the few steps a background commit
     * slows, which the medians leave out; it is noisier.
     */
    private static double[] measure(List<DataSet> data, int steps, Path store, Integer every, Integer commitEvery,
                                    Long commitMillis) {
        MultiLayerNetwork bare = Mlp.create(1);
        MultiLayerNetwork watched = Mlp.create(1);
        LandscapeListenerBuilder builder = LandscapeListener.builder().store(store).snapshot("off"); // recording only
        if (every != null) {
            builder.every(every).commitEvery(commitEvery).commitMillis(commitMillis);
        }
        double[] out;
        try (LandscapeListener listener = builder.build()) {
            TimedListener timed = new TimedListener(listener);
            watched.setListeners(timed);
            for (int i = 0; i < WARM_UP; i++) { // JIT, workspaces, the store, every=auto settling
                bare.fit(data.get(i % data.size()));
                watched.fit(data.get(i % data.size()));
            }
            timed.reset();
            long writerCpu0 = writerCpuNanos();
            double[] without = new double[steps];
            double[] with = new double[steps];
            for (int i = 0; i < steps; i++) {
                DataSet batch = data.get(i % data.size());
                if (i % 2 == 0) {
                    without[i] = step(bare, batch);
                    with[i] = step(watched, batch);
                } else {
                    with[i] = step(watched, batch);
                    without[i] = step(bare, batch);
                }
            }
            if (listener.faulted()) {
                throw new IllegalStateException("the listener faulted during the benchmark");
            }
            double mWithout = median(without);
            double mWith = median(with);
            double sumWith = Arrays.stream(with).sum();
            double inCallbacks = timed.nanos() / 1e9;
            double writer = (writerCpuNanos() - writerCpu0) / 1e9;
            out = new double[]{mWith / mWithout - 1, mWithout * 1e3, mWith * 1e3, inCallbacks / sumWith,
                    inCallbacks / steps * 1e6, 0, writer / sumWith,
                    sumWith / Arrays.stream(without).sum() - 1, bootstrapSe(with, without)};
        }
        try (LandscapeStore s = LandscapeStore.openExisting(store)) { // the interval the last rows were taken at
            long[] it = s.scalars(s.listRuns().get(0).runId()).iteration();
            out[5] = it.length < 2 ? 0 : it[it.length - 1] - it[it.length - 2];
        }
        return out;
    }

    /** CPU time of the plugin's threads so far (the store's writer: its background work, off the training thread). */
    private static long writerCpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("landscape4j-")) {
                sum += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    private static double step(MultiLayerNetwork net, DataSet batch) {
        long t0 = System.nanoTime();
        net.fit(batch);
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * The standard error of the medians' ratio within this run: the standard deviation of it over 400 bootstrap
     * resamples of the step pairs (a fixed seed). It covers the steps' noise within the run, not the drift of the
     * machine between runs, which on this VM is the larger part.
     */
    private static double bootstrapSe(double[] with, double[] without) {
        java.util.Random rng = new java.util.Random(1);
        int n = with.length;
        double[] ratios = new double[400];
        double[] w = new double[n];
        double[] o = new double[n];
        for (int b = 0; b < ratios.length; b++) {
            for (int i = 0; i < n; i++) {
                int k = rng.nextInt(n);
                w[i] = with[k];
                o[i] = without[k];
            }
            ratios[b] = median(w) / median(o) - 1;
        }
        double mean = Arrays.stream(ratios).average().orElse(0);
        return Math.sqrt(Arrays.stream(ratios).map(r -> (r - mean) * (r - mean)).sum() / (ratios.length - 1));
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
