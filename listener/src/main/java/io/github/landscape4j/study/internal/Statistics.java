package io.github.landscape4j.study.internal;

import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleBiFunction;

/** Internal: rank correlations, permutation p-values, bootstrap intervals and Jiang et al.'s granulated τ. */
public final class Statistics {
    private Statistics() {
    }

    /** Kendall's τ-b (ties counted as in Commons Math); NaN when either side is constant or n < 2. */
    public static double kendall(double[] x, double[] y) {
        if (x.length < 2) {
            return Double.NaN;
        }
        return new KendallsCorrelation().correlation(x, y);
    }

    /** Spearman's ρ with average ranks for ties; NaN when either side is constant or n < 2. */
    public static double spearman(double[] x, double[] y) {
        if (x.length < 2) {
            return Double.NaN;
        }
        return new SpearmansCorrelation().correlation(x, y);
    }

    /**
     * Two-sided permutation p-value of {@code stat}: the share of {@code permutations} random pairings of x with a
     * shuffled y whose |statistic| is at least the observed one, counting the observed pairing itself
     * ({@code (1 + hits) / (1 + permutations)}), so it is never 0. NaN when the observed statistic is.
     */
    public static double permutationP(double[] x, double[] y, ToDoubleBiFunction<double[], double[]> stat,
                                      int permutations, Random random) {
        double observed = Math.abs(stat.applyAsDouble(x, y));
        if (Double.isNaN(observed)) {
            return Double.NaN;
        }
        double[] shuffled = y.clone();
        int hits = 0;
        for (int b = 0; b < permutations; b++) {
            shuffle(shuffled, random);
            // a tiny tolerance: a permutation that reproduces the observed statistic up to rounding counts as a hit
            if (Math.abs(stat.applyAsDouble(x, shuffled)) >= observed - 1e-12) {
                hits++;
            }
        }
        return (1.0 + hits) / (1.0 + permutations);
    }

    /**
     * 95% percentile bootstrap interval of {@code stat}: pairs resampled with replacement {@code resamples} times;
     * resamples where the statistic is undefined (a constant side) are left out. {NaN, NaN} when all are.
     */
    public static double[] bootstrap(double[] x, double[] y, ToDoubleBiFunction<double[], double[]> stat,
                                     int resamples, Random random) {
        int n = x.length;
        double[] values = new double[resamples];
        int kept = 0;
        double[] bx = new double[n];
        double[] by = new double[n];
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < n; i++) {
                int j = random.nextInt(n);
                bx[i] = x[j];
                by[i] = y[j];
            }
            double v = stat.applyAsDouble(bx, by);
            if (!Double.isNaN(v)) {
                values[kept++] = v;
            }
        }
        if (kept == 0) {
            return new double[]{Double.NaN, Double.NaN};
        }
        double[] sorted = Arrays.copyOf(values, kept);
        Arrays.sort(sorted);
        return new double[]{quantile(sorted, 0.025), quantile(sorted, 0.975)};
    }

    /** Linear-interpolation quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /**
     * Jiang, Neyshabur, Mobahi, Krishnan, Bengio (ICLR 2020), Eq. 4: for each axis, the runs are grouped by the
     * values of every other axis; τ is computed within each group (only that axis varies in it) and averaged over
     * the groups where it is defined; the granulated τ is the mean over the axes. Axes where no group has a defined
     * τ are left out.
     *
     * @param settings each run's settings, by axis name
     * @param axes     the axes that vary
     * @return axis → mean τ, in the order of {@code axes}
     */
    public static Map<String, Double> tauByAxis(List<Map<String, String>> settings, double[] x, double[] y,
                                                List<String> axes) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String axis : axes) {
            Map<List<String>, List<Integer>> groups = new LinkedHashMap<>();
            for (int i = 0; i < settings.size(); i++) {
                List<String> others = new ArrayList<>();
                for (String a : axes) {
                    if (!a.equals(axis)) {
                        others.add(settings.get(i).get(a));
                    }
                }
                groups.computeIfAbsent(others, k -> new ArrayList<>()).add(i);
            }
            double sum = 0;
            int defined = 0;
            for (List<Integer> g : groups.values()) {
                double[] gx = g.stream().mapToDouble(i -> x[i]).toArray();
                double[] gy = g.stream().mapToDouble(i -> y[i]).toArray();
                double t = kendall(gx, gy);
                if (!Double.isNaN(t)) {
                    sum += t;
                    defined++;
                }
            }
            if (defined > 0) {
                out.put(axis, sum / defined);
            }
        }
        return out;
    }

    /** The mean of the per-axis τs, NaN when there are none. */
    public static double granulated(Map<String, Double> tauByAxis) {
        return tauByAxis.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static void shuffle(double[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
