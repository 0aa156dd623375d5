package io.github.landscape4j.examples.bench;

import io.github.landscape4j.examples.FashionMnist;
import io.github.landscape4j.examples.Mlp;
import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.listener.LandscapeListenerBuilder;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.trajectory.internal.CheckpointKeeper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench.sh overhead}: the cost of recording with default options (scalars at the {@code every=auto} cadence,
 * per-tensor norms on every 10th row, checkpoints every 50 iterations) on training steps of the Fashion-MNIST MLP
 * 784-100-10 at batch 128. Two identical networks, one without and one with the listener, train in alternation in one
 * run, {@value #BLOCK} steps each in turn (ABBA), so that the machine's drift hits both alike. A row every 16th step
 * or a checkpoint every 50th is above any median step, so the overhead is made of two parts: median(step with) /
 * median(step without) - 1 ({@code overhead_steps}: what recording costs every step, directly or not; its standard
 * error {@code overhead_se} is a bootstrap over the block pairs), plus the cost of the steps with a row or a
 * checkpoint beyond a plain step's, per step ({@code rows_checkpoints_share}: the median time inside the callbacks of
 * such steps less that of plain ones, times how many there were, over the steps' time). {@code overhead} is their sum.
 *
 * <p>Why blocks and not single steps in turn: the listener sees the wall time between its own iterations as in a
 * program that trains one model (with single steps in turn {@code every=auto} saw two steps' time and recorded twice
 * as often as it does for this model alone).
 *
 * <p>Why one ND4J thread: on this 2-core VM ND4J's own setting (two OpenMP threads, which spin while they wait) made a
 * quarter of the steps of the bare network 4-40 times slower than the rest (scheduler thrash; {@code
 * step_p75_over_median_nd4j_threads}), and no median resolves a 1% cost on such a distribution. With one thread the
 * step is also faster. The same measurement with ND4J's own threads follows ({@code *_nd4j_threads}), where the
 * writer thread competes with training for the cores.
 *
 * <p>Also given: the time inside the listener's callbacks ({@code callback_share}: every pause of the JVM that falls
 * inside one counts), the CPU time of the plugin's own threads ({@code writer_cpu_share}: the store's writer, off the
 * training thread), the ratio of the total times ({@code overhead_mean}, counting every pause: DL4J's training makes
 * 15-230 ms garbage-collection pauses here), and the scalar interval {@code every=auto} settled on, read back from the
 * store. Measured with the default options, with a row every iteration ({@code every=1}), with a row and a commit
 * every iteration, and with the default options on ND4J's own threads.
 */
public final class OverheadBench {
    /**
     * Steps each network takes before the measured ones. 500, not 200: with 200 the first of the measurements
     * (the defaults) still ran while the JIT compiled DL4J's paths, and {@code every=auto} settles over its first
     * windows of 64 iterations.
     */
    private static final int WARM_UP = 512;
    /** Steps each network takes in a row before the other takes as many. */
    private static final int BLOCK = 32;
    /** The listener's defaults {@code checkpointEvery} and {@code maxCheckpoints} (its budget keeps all 64 here). */
    private static final int CHECKPOINT_EVERY = 50;
    private static final int MAX_CHECKPOINTS = 64;

    public static void main(String[] args) throws Exception {
        int steps = Integer.parseInt(System.getProperty("steps", "4000"));
        List<DataSet> data = FashionMnist.train(12_800, 128);
        Path dir = Files.createTempDirectory("landscape4j-bench");

        int nd4jThreads = Nd4j.getEnvironment().maxMasterThreads();
        int blasThreads = Nd4j.factory().blas().getMaxThreads();
        threads(1, 1);
        double[] defaults = measure(data, steps, dir.resolve("defaults.db"), null, null, null);
        double[] everyRow = measure(data, steps, dir.resolve("every-row.db"), 1, 100, 2000L);
        double[] everyCommit = measure(data, steps, dir.resolve("every-commit.db"), 1, 1, 1L);
        threads(nd4jThreads, blasThreads);
        double[] own = measure(data, steps, dir.resolve("own-threads.db"), null, null, null);
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"overhead\",\"overhead\":%.4f,\"overhead_steps\":%.4f,\"overhead_se\":%.4f,"
                        + "\"rows_checkpoints_share\":%.4f,\"callback_share\":%.4f,\"callback_us_per_step\":%.1f,"
                        + "\"overhead_mean\":%.4f,\"writer_cpu_share\":%.4f,\"scalar_interval\":%d,"
                        + "\"overhead_every_iteration\":%.4f,\"overhead_commit_every_iteration\":%.4f,"
                        + "\"writer_cpu_share_commit_every_iteration\":%.4f,"
                        + "\"step_ms_without\":%.3f,\"step_ms_with\":%.3f,\"step_p75_over_median\":%.2f,"
                        + "\"nd4j_threads\":1,\"overhead_nd4j_threads\":%.4f,\"overhead_se_nd4j_threads\":%.4f,"
                        + "\"writer_cpu_share_nd4j_threads\":%.4f,\"step_ms_without_nd4j_threads\":%.3f,"
                        + "\"step_p75_over_median_nd4j_threads\":%.2f,\"nd4j_own_threads\":%d,"
                        + "\"steps\":%d,\"block\":%d,\"batch\":128,\"params\":79510}",
                defaults[0], defaults[1], defaults[2], defaults[3], defaults[4], defaults[5], defaults[6], defaults[7],
                (int) defaults[8], everyRow[0], everyCommit[0], everyCommit[7], defaults[9], defaults[10],
                defaults[11], own[0], own[2], own[7], own[9], own[11], nd4jThreads, steps, BLOCK));
    }

    /**
     * Returns {overhead, step medians' overhead, its standard error, rows' and checkpoints' share, callback share,
     * callback µs per step, mean overhead, writer CPU share, scalar interval, median step ms without, with, 75th
     * percentile over the median of the steps without}. The callback share is the time spent inside the listener's
     * callbacks over the time of the steps with it. The writer CPU share is the CPU time of the plugin's own threads
     * (the store's writer) over the same time: work off the training thread that, on 2 cores, may compete with ND4J's.
     */
    private static double[] measure(List<DataSet> data, int steps, Path store, Integer every, Integer commitEvery,
                                    Long commitMillis) {
        MultiLayerNetwork bare = Mlp.create(1);
        MultiLayerNetwork watched = Mlp.create(1);
        LandscapeListenerBuilder builder = LandscapeListener.builder().store(store).snapshot("off"); // recording only
        if (every != null) {
            builder.every(every).commitEvery(commitEvery).commitMillis(commitMillis);
        }
        int blocks = steps / BLOCK;
        double[][] without = new double[blocks][BLOCK];
        double[][] with = new double[blocks][BLOCK];
        TimedListener timed;
        double[] out;
        try (LandscapeListener listener = builder.build()) {
            timed = new TimedListener(listener);
            watched.setListeners(timed);
            double[] warm = new double[BLOCK];
            for (int b = 0; b < WARM_UP / BLOCK; b++) { // JIT, workspaces, the store, every=auto settling
                block(bare, data, b, warm);
                block(watched, data, b, warm);
            }
            timed.reset();
            long writerCpu0 = writerCpuNanos();
            for (int b = 0; b < blocks; b++) { // in turns: ABBA ABBA ...
                boolean bareFirst = b % 2 == 0;
                block(bareFirst ? bare : watched, data, b, bareFirst ? without[b] : with[b]);
                block(bareFirst ? watched : bare, data, b, bareFirst ? with[b] : without[b]);
            }
            if (listener.faulted()) {
                throw new IllegalStateException("the listener faulted during the benchmark");
            }
            double[] stepsWithout = Arrays.stream(without).flatMapToDouble(Arrays::stream).toArray();
            double[] stepsWith = Arrays.stream(with).flatMapToDouble(Arrays::stream).toArray();
            double sumWith = Arrays.stream(stepsWith).sum();
            double inCallbacks = timed.nanos() / 1e9;
            double writer = (writerCpuNanos() - writerCpu0) / 1e9;
            double mWithout = median(stepsWithout);
            double mWith = median(stepsWith);
            out = new double[]{0, mWith / mWithout - 1, bootstrapSe(with, without), 0, inCallbacks / sumWith,
                    inCallbacks / (blocks * BLOCK) * 1e6, sumWith / Arrays.stream(stepsWithout).sum() - 1,
                    writer / sumWith, 0, mWithout * 1e3, mWith * 1e3, quantile(stepsWithout, 0.75) / mWithout};
        }
        try (LandscapeStore s = LandscapeStore.openExisting(store)) { // the interval the last rows were taken at
            long[] it = s.scalars(s.listRuns().get(0).runId()).iteration();
            out[8] = it.length < 2 ? 0 : it[it.length - 1] - it[it.length - 2];
            out[3] = rowsAndCheckpoints(timed, it, out[10] / 1e3);
        }
        out[0] = out[1] + out[3];
        return out;
    }

    /**
     * The cost of the steps with a row or a periodic checkpoint beyond a plain step's, per measured step, over the
     * median step with the listener: for each kind, how many there were times the median time inside their
     * callbacks less the median of plain steps'. Rows are where the store has them; checkpoints where the listener's
     * own thinning rule ({@link CheckpointKeeper}, default interval and count) took them.
     */
    private static double rowsAndCheckpoints(TimedListener timed, long[] rowIterations, double stepSeconds) {
        java.util.Set<Long> rows = Arrays.stream(rowIterations).boxed().collect(java.util.stream.Collectors.toSet());
        java.util.Set<Long> checkpoints = new java.util.HashSet<>();
        CheckpointKeeper keeper = new CheckpointKeeper(CHECKPOINT_EVERY, MAX_CHECKPOINTS);
        long last = rowIterations.length == 0 ? 0 : rowIterations[rowIterations.length - 1] + 64;
        for (long i = 1; i <= last; i++) {
            if (keeper.due(i)) {
                keeper.add(new CheckpointKeeper.Kept(i, 0, null));
                checkpoints.add(i);
            }
        }
        List<Double> plain = new java.util.ArrayList<>();
        List<Double> row = new java.util.ArrayList<>();
        List<Double> checkpoint = new java.util.ArrayList<>();
        int measured = 0;
        for (int i = 0; i <= last; i++) {
            Long nanos = timed.nanos(i);
            if (nanos == null) {
                continue;
            }
            measured++;
            boolean r = rows.contains((long) i);
            boolean c = checkpoints.contains((long) i);
            (c ? checkpoint : r ? row : plain).add(nanos / 1e9); // a step with both counts as a checkpoint's
        }
        // with a row every iteration the step medians hold the rows: only checkpoints are beyond them
        double base = median((plain.isEmpty() ? row : plain).stream().mapToDouble(Double::doubleValue).toArray());
        double extra = plain.isEmpty() ? 0
                : row.size() * (median(row.stream().mapToDouble(Double::doubleValue).toArray()) - base);
        if (!checkpoint.isEmpty()) {
            extra += checkpoint.size()
                    * (median(checkpoint.stream().mapToDouble(Double::doubleValue).toArray()) - base);
        }
        return extra / measured / stepSeconds;
    }

    /** Block {@code b}: {@link #BLOCK} training steps on the data from step {@code b * BLOCK}, their times. */
    private static void block(MultiLayerNetwork net, List<DataSet> data, int b, double[] times) {
        for (int i = 0; i < BLOCK; i++) {
            times[i] = step(net, data.get((b * BLOCK + i) % data.size()));
        }
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
     * The standard error of the step medians' ratio within this run: the standard deviation of it over 400 bootstrap
     * resamples of the block pairs (a fixed seed). It covers the steps' noise within the run, not the drift of the
     * machine between runs.
     */
    private static double bootstrapSe(double[][] with, double[][] without) {
        java.util.Random rng = new java.util.Random(1);
        int n = with.length;
        double[] ratios = new double[400];
        double[] w = new double[n * BLOCK];
        double[] o = new double[n * BLOCK];
        for (int b = 0; b < ratios.length; b++) {
            for (int i = 0; i < n; i++) {
                int k = rng.nextInt(n);
                System.arraycopy(with[k], 0, w, i * BLOCK, BLOCK);
                System.arraycopy(without[k], 0, o, i * BLOCK, BLOCK);
            }
            ratios[b] = median(w) / median(o) - 1;
        }
        double mean = Arrays.stream(ratios).average().orElse(0);
        return Math.sqrt(Arrays.stream(ratios).map(r -> (r - mean) * (r - mean)).sum() / (ratios.length - 1));
    }

    private static void threads(int nd4j, int blas) {
        Nd4j.getEnvironment().setMaxMasterThreads(nd4j);
        Nd4j.factory().blas().setMaxThreads(blas);
    }

    private static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.round(q * (s.length - 1)))];
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
