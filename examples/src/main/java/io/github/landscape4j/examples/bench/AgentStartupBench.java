package io.github.landscape4j.examples.bench;

import io.github.landscape4j.examples.PlainTraining;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the agent costs at startup: JVM start to the end of the first training iteration of the unmodified
 * {@link PlainTraining} (which prints that time itself), with and without {@code -javaagent}, on a class path with
 * only deeplearning4j-nn and ND4J. Runs alternate (with/without, then without/with) after one uncounted warm-up
 * pair; prints one JSON line whose {@code startup_overhead_s} is the median of the paired differences. It also
 * prints {@code whole_run_overhead_s}, the same for the whole program (JVM start to exit, 3 iterations of two
 * models): the work the agent keeps off the first iteration (opening the store, writing the run) shows there.
 *
 * <pre>examples/bench.sh agent [--pairs N]</pre>
 */
public final class AgentStartupBench {

    private static final Pattern FIRST = Pattern.compile("first iteration done (\\d+) ms after JVM start");

    private AgentStartupBench() {
    }

    public static void main(String[] args) throws Exception {
        int pairs = args.length == 2 && args[0].equals("--pairs") ? Integer.parseInt(args[1]) : 7;
        Path jar = AgentJar.locate();
        String classPath = PlainClasspath.of(System.getProperty("java.class.path"));
        Path dir = Files.createTempDirectory("landscape4j-agent-bench");
        List<Double> with = new ArrayList<>();
        List<Double> without = new ArrayList<>();
        List<Double> wholeWith = new ArrayList<>();
        List<Double> wholeWithout = new ArrayList<>();
        try {
            for (int i = -1; i < pairs; i++) {
                boolean agentFirst = i % 2 == 0;
                double[] a = null;
                double[] b = null;
                for (int k = 0; k < 2; k++) {
                    if ((k == 0) == agentFirst) {
                        a = secondsToFirstIterationAndExit(dir, classPath, List.of("-javaagent:" + jar + "=store="
                                + dir.resolve("run" + i + ".db")));
                    } else {
                        b = secondsToFirstIterationAndExit(dir, classPath, List.of());
                    }
                }
                if (i >= 0) { // the first pair warms the page cache and is not counted
                    with.add(a[0]);
                    without.add(b[0]);
                    wholeWith.add(a[1]);
                    wholeWithout.add(b[1]);
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        double[] diffs = new double[pairs];
        double[] wholeDiffs = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            diffs[i] = with.get(i) - without.get(i);
            wholeDiffs[i] = wholeWith.get(i) - wholeWithout.get(i);
        }
        System.out.println(String.format(Locale.ROOT, "{\"bench\":\"agent\",\"startup_overhead_s\":%.3f,"
                        + "\"with_agent_s\":%.3f,\"without_agent_s\":%.3f,\"pairs\":%d,\"overhead_s_by_pair\":%s,"
                        + "\"goal_s\":0.5,\"whole_run_overhead_s\":%.3f,\"whole_run_with_agent_s\":%.3f,"
                        + "\"whole_run_without_agent_s\":%.3f}",
                median(diffs), median(with.stream().mapToDouble(d -> d).toArray()),
                median(without.stream().mapToDouble(d -> d).toArray()), pairs,
                Arrays.stream(diffs).mapToObj(d -> String.format(Locale.ROOT, "%.3f", d)).toList(),
                median(wholeDiffs), median(wholeWith.stream().mapToDouble(d -> d).toArray()),
                median(wholeWithout.stream().mapToDouble(d -> d).toArray())));
    }

    /** {JVM start to the end of the first iteration, launch to exit}, in seconds. */
    private static double[] secondsToFirstIterationAndExit(Path dir, String classPath, List<String> agent)
            throws Exception {
        List<String> jvmArgs = new ArrayList<>(List.of("-Xmx1g"));
        jvmArgs.addAll(agent);
        long t0 = System.nanoTime();
        ChildJvm.Result r = ChildJvm.run(dir, jvmArgs, classPath, PlainTraining.class.getName(),
                List.of("3", "--timing"), 300);
        double whole = (System.nanoTime() - t0) / 1e9;
        Matcher m = FIRST.matcher(r.stdout());
        if (r.exitCode() != 0 || !m.find()) {
            throw new IllegalStateException("PlainTraining failed (exit " + r.exitCode() + ", agent " + agent + "):\n"
                    + r.stdout() + r.stderr());
        }
        return new double[]{Long.parseLong(m.group(1)) / 1000.0, whole};
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
