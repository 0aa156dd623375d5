package io.github.landscape4j.study;

import io.github.landscape4j.store.MeasureDescriptor;
import io.github.landscape4j.store.StudyRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a study says, first: for each flatness measure (sharpness and curvature) and each gap, whether the runs show
 * that sharper models generalize worse, better, or neither, at 5% after Holm's correction across every test of the
 * study's table (Holm 1979: a study correlates some 20 measures with 2 gaps, and at 5% each, two or three would look
 * significant by chance alone); and the warnings a reader needs before believing it (runs that ended at train losses
 * far apart, too few runs). Measures a study has no values of (n = 0: not computed for its model) are left out.
 *
 * @param verdicts   one per flatness measure and gap, the strongest (smallest corrected p) first
 * @param warnings   what may make the correlations mislead, in words
 * @param correction how the p-values were corrected, in words
 * @param tests      correlation tests in the family the correction covers
 * @param adjusted   every tested correlation's corrected p-value (flatness measures or not)
 */
public record StudyAnswer(List<Verdict> verdicts, List<String> warnings, String correction, int tests,
                          List<Adjusted> adjusted) {

    /** The Holm-corrected p-value of one measure against one gap. */
    public record Adjusted(String measure, String gap, double holmP) {
    }

    /** The significance level of the verdicts, after correction. */
    public static final double LEVEL = 0.05;
    /** Groups of the measures the verdicts speak of: sharpness and curvature. */
    private static final Set<String> FLATNESS = Set.of("sharpness_percent", "sharpness_loss", "hessian_top",
            "hessian_trace");
    /** Fewest runs a correlation needs to be tested at all. */
    private static final int MIN_RUNS = 3;
    /** Train losses further apart than this factor make the gap partly a matter of how far training got. */
    private static final double LOSS_SPREAD = 1.5;

    /**
     * One measure against one gap.
     *
     * @param measure        the measure's key
     * @param label          its label
     * @param gap            {@code gap} (loss gap) or {@code accuracy_gap}
     * @param n              runs in the correlation
     * @param tau            Kendall's τ-b
     * @param tauP           its two-sided permutation p-value
     * @param holmP          the p-value after Holm's correction across the family
     * @param finding        the verdict in words
     * @param scaleInvariant whether the measure survives a ReLU network's layer rescaling
     */
    public record Verdict(String measure, String label, String gap, int n, double tau, double tauP, double holmP,
                          String finding, boolean scaleInvariant) {
        /** Whether the corrected p-value is below {@link #LEVEL}. */
        public boolean significant() {
            return holmP < LEVEL;
        }
    }

    /** The answer of a study record (empty verdicts before its analysis). */
    public static StudyAnswer of(StudyRecord study) {
        List<StudyRecord.Correlation> family = tested(study);
        double[] holm = holm(family.stream().mapToDouble(StudyRecord.Correlation::tauP).toArray());
        List<Verdict> verdicts = new ArrayList<>();
        List<Adjusted> adjusted = new ArrayList<>();
        for (int i = 0; i < family.size(); i++) {
            StudyRecord.Correlation c = family.get(i);
            adjusted.add(new Adjusted(c.measure(), c.gap(), holm[i]));
            MeasureDescriptor d = descriptor(study, c.measure());
            if (d != null && FLATNESS.contains(d.group())) {
                verdicts.add(new Verdict(c.measure(), d.label(), c.gap(), c.n(), c.tau(), c.tauP(), holm[i],
                        finding(c.tau(), holm[i]), c.scaleInvariant()));
            }
        }
        verdicts.sort(Comparator.comparingDouble(Verdict::holmP));
        String correction = String.format(Locale.ROOT, "p-values corrected by Holm's method across all %d tests of"
                + " the table (every measure against both gaps); a verdict needs a corrected p below %.2f",
                family.size(), LEVEL);
        return new StudyAnswer(List.copyOf(verdicts), warnings(study), correction, family.size(),
                List.copyOf(adjusted));
    }

    /** The Holm-corrected p-value of {@code c} (a correlation of this answer's study); NaN when it was not tested. */
    public double holmP(StudyRecord.Correlation c) {
        return adjusted.stream().filter(a -> a.measure().equals(c.measure()) && a.gap().equals(c.gap()))
                .mapToDouble(Adjusted::holmP).findFirst().orElse(Double.NaN);
    }

    /** The correlations the correction covers: those with enough runs and a p-value. */
    private static List<StudyRecord.Correlation> tested(StudyRecord study) {
        return study.correlations().stream().filter(c -> c.n() >= MIN_RUNS && Double.isFinite(c.tauP())).toList();
    }

    private static String finding(double tau, double holmP) {
        if (!(holmP < LEVEL)) {
            return "no evidence either way at 5% after correction";
        }
        return tau > 0 ? "sharper runs generalize worse (larger gap)" : "sharper runs generalize better (smaller gap)";
    }

    /**
     * Holm's step-down adjustment (Holm 1979): sorted ascending, {@code p_(i)} becomes {@code max_{j ≤ i} min(1,
     * (m − j + 1)·p_(j))}; returned in the input's order.
     */
    static double[] holm(double[] p) {
        int m = p.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        double[] out = new double[m];
        double running = 0;
        for (int j = 0; j < m; j++) {
            running = Math.max(running, Math.min(1, (m - j) * p[order[j]]));
            out[order[j]] = running;
        }
        return out;
    }

    private static List<String> warnings(StudyRecord study) {
        List<String> out = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (StudyRecord.Run r : study.runs()) {
            double l = r.measure("train_loss");
            if (Double.isFinite(l) && r.measure("diverged") != 1.0) {
                lo = Math.min(lo, l);
                hi = Math.max(hi, l);
            }
        }
        if (hi > LOSS_SPREAD * lo && hi > 0) {
            out.add(String.format(Locale.ROOT, "the runs ended at train losses from %.3g to %.3g (%.1f times apart):"
                    + " a measure that follows how far training got can correlate with the gap through that alone"
                    + " (an under-trained model is both flatter and closer to its validation loss); train them to a"
                    + " common loss (the study's --stop-loss) before reading the verdicts", lo, hi, hi / lo));
        }
        if (study.runs().size() < 8) {
            out.add("only " + study.runs().size() + " runs: with so few, a permutation p-value rarely gets below 5%"
                    + " after correction, so \"no evidence\" here is weak evidence of no effect");
        }
        return List.copyOf(out);
    }

    private static MeasureDescriptor descriptor(StudyRecord study, String key) {
        return study.measures().stream().filter(d -> d.key().equals(key)).findFirst().orElse(null);
    }
}
