package io.github.landscape4j.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A study as the store keeps it: a family of training runs, the measures at each run's final point, and the
 * correlations of each measure with the generalization gap. Written by {@code io.github.landscape4j.study.Study}
 * after every finished run (so an interrupted study resumes from it) and read by the Study page.
 *
 * @param name         the study's name (unique within a store)
 * @param description  what family of runs it is (architecture, data, plan), one line
 * @param axes         the settings that vary, in plan order, each with its values (as strings)
 * @param grid         whether the runs form a full grid over {@link #axes()} (the granulated τ needs one)
 * @param planned      how many runs the plan has
 * @param options      how the runs were trained and measured (stopping rule, probe size, snapshot options), by name
 * @param measures     what each measure is (the engine's descriptors)
 * @param runs         the finished runs, in the order they finished
 * @param correlations each measure against each gap; empty until the analysis has run
 * @param updated      when the record was last written
 */
public record StudyRecord(String name, String description, Map<String, List<String>> axes, boolean grid,
                          int planned, Map<String, String> options, List<MeasureDescriptor> measures, List<Run> runs,
                          List<Correlation> correlations, Instant updated) {

    public StudyRecord {
        axes = ordered(axes);
        options = ordered(options);
        measures = List.copyOf(measures);
        runs = List.copyOf(runs);
        correlations = List.copyOf(correlations);
    }

    /** An unmodifiable copy that keeps the order (axes and settings are shown in plan order). */
    static <K, V> Map<K, V> ordered(Map<K, V> map) {
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(map));
    }

    /** The same study with its runs and correlations replaced. */
    public StudyRecord with(List<Run> allRuns, List<Correlation> newCorrelations) {
        return new StudyRecord(name, description, axes, grid, planned, options, measures, allRuns, newCorrelations,
                Instant.now());
    }

    /**
     * One finished run of a study.
     *
     * @param key          the run's settings as one string, also its run name in the store
     * @param runId        the store's id of the training run (its scalars and checkpoints)
     * @param settings     setting name → value
     * @param epochs       epochs it trained
     * @param stopReason   why it stopped ({@code epochs}, {@code train loss below X}, {@code diverged})
     * @param trainSeconds wall time of its training
     * @param measureSeconds wall time of the final-point measures
     * @param measures     every measure at the final point (NaN: undefined)
     */
    public record Run(String key, String runId, Map<String, String> settings, int epochs, String stopReason,
                      double trainSeconds, double measureSeconds, Map<String, Double> measures) {
        public Run {
            settings = ordered(settings);
            measures = Map.copyOf(measures);
        }

        /** A measure, or NaN when absent. */
        public double measure(String key) {
            Double v = measures.get(key);
            return v == null ? Double.NaN : v;
        }
    }

    /**
     * One measure against one gap over a study's runs (those where both are defined).
     *
     * @param measure         the measure's key
     * @param gap             {@code gap} (loss gap) or {@code accuracy_gap}
     * @param n               runs used
     * @param tau             Kendall's τ-b
     * @param tauP            its two-sided permutation p-value
     * @param tauLow          lower end of its 95% bootstrap interval
     * @param tauHigh         upper end
     * @param rho             Spearman's ρ
     * @param rhoP            its two-sided permutation p-value
     * @param rhoLow          lower end of its 95% bootstrap interval
     * @param rhoHigh         upper end
     * @param granulatedTau   Jiang et al.'s granulated τ (mean of {@link #tauByAxis()}); NaN when the runs are no grid
     * @param tauByAxis       per setting: the mean τ over groups where only that setting varies
     * @param scaleInvariant  whether the measure is unchanged by rescaling a ReLU network's layers (which leaves the
     *                        function unchanged)
     * @param note            what to keep in mind when reading it, or {@code ""}
     */
    public record Correlation(String measure, String gap, int n, double tau, double tauP, double tauLow,
                              double tauHigh, double rho, double rhoP, double rhoLow, double rhoHigh,
                              double granulatedTau, Map<String, Double> tauByAxis, boolean scaleInvariant,
                              String note) {
        public Correlation {
            tauByAxis = ordered(tauByAxis);
        }
    }
}
