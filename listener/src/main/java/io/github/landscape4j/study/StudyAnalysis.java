package io.github.landscape4j.study;

import io.github.landscape4j.store.MeasureDescriptor;
import io.github.landscape4j.store.StudyRecord;
import io.github.landscape4j.study.internal.ScaleInvariance;
import io.github.landscape4j.study.internal.Statistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The analysis of a study: for each measure, its rank correlations with each generalization gap over the study's
 * runs (Kendall's τ-b and Spearman's ρ, each with a two-sided permutation p-value and a 95% percentile bootstrap
 * interval), Jiang et al.'s granulated τ when the runs form a grid, and whether the measure is scale-invariant.
 * Runs where the model diverged, or where the measure or the gap is undefined, are left out of that pair.
 *
 * <p>A positive τ means: the larger the measure, the larger the gap (the worse the model generalizes), which is
 * what "sharper minima generalize worse" predicts for a sharpness measure.
 *
 * @param permutations random pairings of each permutation test (default 2000)
 * @param resamples    bootstrap resamples (default 1000)
 * @param seed         seed of both (the analysis of one record is reproducible)
 */
public record StudyAnalysis(int permutations, int resamples, long seed) {
    /** The gaps each measure is correlated with: loss gap (val − train) and accuracy gap (train − val). */
    public static final List<String> GAPS = List.of("gap", "accuracy_gap");

    /** Groups of measures that are outcomes, errors or diagnostics, not predictors of the gap. */
    private static final Set<String> NOT_PREDICTORS = Set.of("diagnostic", "loss_se", "gap_loss", "gap_accuracy");
    /**
     * Descriptive measures drawn beside a predictor but not tested themselves: the Hessian's second and third
     * eigenvalues (λ_max's panel) would add tests to the multiple-testing correction without a hypothesis behind them.
     */
    private static final Set<String> DESCRIPTIVE = Set.of("hessian_top_2", "hessian_top_3");

    public StudyAnalysis {
        if (permutations < 1 || resamples < 1) {
            throw new IllegalArgumentException("permutations " + permutations + " and resamples " + resamples
                    + ": both must be >= 1");
        }
    }

    /** 2000 permutations, 1000 bootstrap resamples, seed 7. */
    public static StudyAnalysis defaults() {
        return new StudyAnalysis(2000, 1000, 7);
    }

    /**
     * The measures analysed as predictors: every measure but the gaps, the validation probe's own values, the
     * standard errors, the diagnostics and the descriptive λ₂, λ₃.
     */
    public static List<MeasureDescriptor> predictors(List<MeasureDescriptor> measures) {
        Set<String> errors = new java.util.HashSet<>();
        measures.forEach(d -> errors.add(d.errorKey()));
        return measures.stream().filter(d -> !NOT_PREDICTORS.contains(d.group()) && !d.key().startsWith("val_")
                && !d.key().equals("diverged") && !errors.contains(d.key()) && !DESCRIPTIVE.contains(d.key())).toList();
    }

    /** Every predictor against every gap, in the order of the study's measures then {@link #GAPS}. */
    public List<StudyRecord.Correlation> correlations(StudyRecord study) {
        List<StudyRecord.Correlation> out = new ArrayList<>();
        List<String> axes = new ArrayList<>(study.axes().entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(Map.Entry::getKey).toList());
        String normalization = study.options().getOrDefault("normalization", "filter");
        for (MeasureDescriptor d : predictors(study.measures())) {
            for (String gap : GAPS) {
                out.add(correlation(study, d.key(), gap, axes, normalization));
            }
        }
        return out;
    }

    /** One measure against one gap. */
    public StudyRecord.Correlation correlation(StudyRecord study, String measure, String gap, List<String> axes,
                                               String normalization) {
        List<double[]> pairs = new ArrayList<>();
        List<Map<String, String>> settings = new ArrayList<>();
        for (StudyRecord.Run r : study.runs()) {
            double x = r.measure(measure);
            double y = r.measure(gap);
            if (r.measure("diverged") != 1.0 && Double.isFinite(x) && Double.isFinite(y)) {
                pairs.add(new double[]{x, y});
                settings.add(r.settings());
            }
        }
        double[] x = pairs.stream().mapToDouble(p -> p[0]).toArray();
        double[] y = pairs.stream().mapToDouble(p -> p[1]).toArray();
        // one generator per pair, seeded from the pair's names: a pair's numbers do not depend on the others
        Random random = new Random(seed ^ (measure + "|" + gap).hashCode());
        double tau = Statistics.kendall(x, y);
        double rho = Statistics.spearman(x, y);
        double tauP = Statistics.permutationP(x, y, Statistics::kendall, permutations, random);
        double rhoP = Statistics.permutationP(x, y, Statistics::spearman, permutations, random);
        double[] tauCi = x.length < 2 ? new double[]{Double.NaN, Double.NaN}
                : Statistics.bootstrap(x, y, Statistics::kendall, resamples, random);
        double[] rhoCi = x.length < 2 ? new double[]{Double.NaN, Double.NaN}
                : Statistics.bootstrap(x, y, Statistics::spearman, resamples, random);
        Map<String, Double> byAxis = study.grid() ? Statistics.tauByAxis(settings, x, y, axes) : Map.of();
        ScaleInvariance.Verdict v = ScaleInvariance.of(measure, normalization);
        String note = v.note();
        if (x.length < study.runs().size()) {
            String left = (study.runs().size() - x.length) + " of " + study.runs().size()
                    + " runs left out (diverged or undefined)";
            note = note.isEmpty() ? left : note + "; " + left;
        }
        return new StudyRecord.Correlation(measure, gap, x.length, tau, tauP, tauCi[0], tauCi[1], rho, rhoP,
                rhoCi[0], rhoCi[1], study.grid() ? Statistics.granulated(byAxis) : Double.NaN, byAxis,
                v.invariant(), note);
    }
}
