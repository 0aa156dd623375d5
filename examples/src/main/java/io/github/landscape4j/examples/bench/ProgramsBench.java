package io.github.landscape4j.examples.bench;

import io.github.landscape4j.examples.programs.Program;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code bench.sh programs}: what real programs get under {@code -javaagent} with DEFAULT options. Each plain
 * training program of {@link Program} runs as a child JVM on a class path with only deeplearning4j-nn and ND4J, once
 * without the agent and once with {@code -javaagent:JAR=store=FILE} and nothing else (and
 * {@code OMP_NUM_THREADS=1} on a machine of two cores or fewer unless it is set, as {@code demo.sh} does). Prints
 * one JSON line with, per program: the child JVM's wall time without and with the agent and their ratio, whether
 * stdout was the same, the snapshots stored, the first one's iteration and time since the run started, the run's
 * last iteration and training time (from the store's scalars), and the first snapshot's time as a fraction of the
 * training time; and a line per program on stderr. With {@code --repeat N} each program's three runs are made N
 * times, in ABBA order (without, with, snapshots off; then snapshots off, with, without; ...): the wall times and
 * the ratio are then the medians, and
 * {@code ratio_runs} and {@code met_runs} (runs within 1.1x + 1 s of their own run without) say how they spread;
 * the snapshot figures are the last repeat's.
 *
 * <pre>examples/bench.sh programs [--scale F] [--repeat N]   (F multiplies each program's epochs; default 1; N
 * default 1)</pre>
 */
public final class ProgramsBench {

    private static final long TIMEOUT_S = 900;

    /** Each program with the epochs of a run of about 10-20 s of training on the 2-core development VM. */
    private static final Map<Program, Integer> EPOCHS = Map.of(
            Program.MATH_FUNCTIONS_REGRESSION, 600,
            Program.XOR_MINI_BATCH_FALSE, 1000,
            Program.LSTM_MEMORIZE, 150,
            Program.SEQ2SEQ_ADDITION, 10);

    private ProgramsBench() {
    }

    public static void main(String[] args) throws Exception {
        double scale = 1;
        int repeat = 1;
        String usage = "usage: examples/bench.sh programs [--scale F] [--repeat N], F > 0, N >= 1; was "
                + List.of(args);
        try {
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 < args.length && args[i].equals("--scale")) {
                    scale = Double.parseDouble(args[i + 1]);
                } else if (i + 1 < args.length && args[i].equals("--repeat")) {
                    repeat = Integer.parseInt(args[i + 1]);
                } else {
                    throw new IllegalArgumentException(usage);
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(usage, e);
        }
        if (!(scale > 0) || repeat < 1) {
            throw new IllegalArgumentException(usage);
        }
        Path jar = AgentJar.locate();
        String classPath = PlainClasspath.of(System.getProperty("java.class.path"));
        Map<String, String> env = threadsEnv();
        Path dir = Files.createTempDirectory("landscape4j-programs-bench");
        List<String> rows = new ArrayList<>();
        try {
            for (Program p : Program.values()) {
                int epochs = Math.max(1, (int) Math.round(EPOCHS.get(p) * scale));
                List<String> programArgs = List.of("--epochs", Integer.toString(epochs));
                double[] sWithoutRuns = new double[repeat];
                double[] sOffRuns = new double[repeat];
                double[] sWithRuns = new double[repeat];
                boolean same = true;
                Path store = null;
                for (int r = 0; r < repeat; r++) {
                    store = dir.resolve(p.simpleName() + "-" + r + ".db");
                    Path offStore = dir.resolve(p.simpleName() + "-" + r + "-off.db");
                    // the run with the agent next to the run without it, in ABBA order over the repeats (without,
                    // with, snapshots off; then snapshots off, with, without): the VM's drift between runs then
                    // pulls the ratio up in one repeat and down in the next, instead of up in each
                    List<List<String>> agentArgs = List.of(List.of(), // 0: without, 1: snapshots off, 2: with
                            List.of("-javaagent:" + jar + "=store=" + offStore + ",snapshot=off"),
                            List.of("-javaagent:" + jar + "=store=" + store));
                    ChildJvm.Result[] results = new ChildJvm.Result[3];
                    double[] seconds = new double[3];
                    for (int k : r % 2 == 0 ? new int[]{0, 2, 1} : new int[]{1, 2, 0}) {
                        long t0 = System.nanoTime();
                        results[k] = ChildJvm.run(dir, env, agentArgs.get(k), classPath, p.mainClass(), programArgs,
                                TIMEOUT_S);
                        seconds[k] = (System.nanoTime() - t0) / 1e9;
                        if (results[k].exitCode() != 0) {
                            throw new IllegalStateException(p.simpleName() + " failed (exit " + results[k].exitCode()
                                    + "):\n" + results[k].stdout() + results[k].stderr());
                        }
                    }
                    ChildJvm.Result without = results[0];
                    ChildJvm.Result off = results[1];
                    ChildJvm.Result with = results[2];
                    sWithoutRuns[r] = seconds[0];
                    sOffRuns[r] = seconds[1];
                    sWithRuns[r] = seconds[2];
                    same &= with.stdout().equals(without.stdout()) && off.stdout().equals(without.stdout());
                }
                double[] ratioRuns = new double[repeat];
                int met = 0;
                for (int r = 0; r < repeat; r++) {
                    ratioRuns[r] = sWithRuns[r] / sWithoutRuns[r];
                    met += sWithRuns[r] <= 1.1 * sWithoutRuns[r] + 1 ? 1 : 0;
                }
                SnapshotTimeline t = SnapshotTimeline.read(store);
                double sWithout = OverheadBench.median(sWithoutRuns);
                double sOff = OverheadBench.median(sOffRuns);
                double sWith = OverheadBench.median(sWithRuns);
                rows.add(String.format(Locale.ROOT, "{\"program\":\"%s\",\"epochs\":%d,\"repeats\":%d,"
                                + "\"ratio_runs\":%s,\"met_runs\":%d,\"wall_s_without\":%.2f,"
                                + "\"wall_s_snapshots_off\":%.2f,\"wall_s_with\":%.2f,\"ratio\":%.3f,"
                                + "\"limit_s\":%.2f,\"same_stdout\":%b,\"snapshots\":%d,"
                                + "\"snapshots_during_training\":%d,\"levels\":\"%s\",\"snapshot_s\":%.2f,"
                                + "\"final_snapshot_s\":%.2f,\"first_snapshot_iteration\":%s,"
                                + "\"first_snapshot_ms\":%s,\"last_iteration\":%d,\"training_ms\":%d,"
                                + "\"first_snapshot_fraction\":%s}",
                        p.simpleName(), epochs, repeat, java.util.Arrays.stream(ratioRuns).mapToObj(
                                v -> String.format(Locale.ROOT, "%.3f", v)).toList().toString().replace(" ", ""),
                        met, sWithout, sOff, sWith, OverheadBench.median(ratioRuns), 1.1 * sWithout + 1, same,
                        t.snapshots(), t.snapshotsDuringTraining(), t.levelCounts(), t.snapshotMillis() / 1000,
                        t.finalMillis() / 1000, t.firstIteration() < 0 ? "null" : t.firstIteration(),
                        t.firstMillis() < 0 ? "null" : t.firstMillis(), t.lastIteration(), t.trainingMillis(),
                        Double.isNaN(t.firstFraction()) ? "null"
                                : String.format(Locale.ROOT, "%.3f", t.firstFraction())));
                System.err.println(String.format(Locale.ROOT, "%s --epochs %d: %.1f s without, %.1f s with the agent"
                                + " and snapshot=off, %.1f s with the agent (x%.2f; 1.1x + 1 s = %.1f s), stdout %s;"
                                + " %d snapshots (%d during training: %s) taking %.1f s, the final %.1f s%s; last"
                                + " iteration %d at %.1f s of training", p.simpleName(), epochs, sWithout, sOff, sWith,
                        sWith / sWithout, 1.1 * sWithout + 1, same ? "the same" : "DIFFERENT", t.snapshots(),
                        t.snapshotsDuringTraining(), t.levelCounts(), t.snapshotMillis() / 1000,
                        t.finalMillis() / 1000, t.firstIteration() < 0 ? "" : String.format(Locale.ROOT,
                                ", the first at iteration %d, %.1f s (%.0f%% of training)", t.firstIteration(),
                                t.firstMillis() / 1000.0, 100 * t.firstFraction()),
                        t.lastIteration(), t.trainingMillis() / 1000.0));
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        String threads = env.getOrDefault("OMP_NUM_THREADS", System.getenv("OMP_NUM_THREADS"));
        System.out.println("{\"bench\":\"programs\",\"options\":\"default\",\"omp_num_threads\":"
                + (threads == null ? "null" : "\"" + threads + "\"") + ",\"programs\":["
                + String.join(",", rows) + "]}");
    }

    /**
     * {@code OMP_NUM_THREADS=1} for child JVMs on a machine of two cores or fewer when it is not set, as
     * {@code examples/demo.sh} does (ND4J's OpenMP threads spin when they share two cores with anything else);
     * otherwise nothing.
     */
    public static Map<String, String> threadsEnv() {
        return System.getenv("OMP_NUM_THREADS") == null && Runtime.getRuntime().availableProcessors() <= 2
                ? Map.of("OMP_NUM_THREADS", "1") : Map.of();
    }
}
