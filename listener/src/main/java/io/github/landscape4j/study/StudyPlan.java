package io.github.landscape4j.study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A family of runs: values for each setting, as a full grid (every combination; Jiang et al.'s granulated τ needs
 * one) or a random sample of combinations. A setting given no values keeps its default (seed 1, batch 64, Adam,
 * learning rate 1e-3, no weight decay, no dropout, 1 epoch). Immutable.
 *
 * <pre>{@code
 * StudyPlan plan = StudyPlan.builder().seeds(1, 2).batchSizes(64, 4096).optimizers(Optimizer.ADAM).grid();
 * }</pre>
 *
 * @param axes setting name ({@link RunSettings#NAMES}) → its values as text, every setting listed
 * @param grid whether {@link #runs()} is the full grid
 * @param runs the runs, in the order they are trained
 */
public record StudyPlan(Map<String, List<String>> axes, boolean grid, List<RunSettings> runs) {

    public StudyPlan {
        axes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(axes));
        runs = List.copyOf(runs);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("a study plan needs at least one run");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The settings that take more than one value. */
    public Map<String, List<String>> varying() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        axes.forEach((k, v) -> {
            if (v.size() > 1) {
                m.put(k, v);
            }
        });
        return m;
    }

    /** One line: how many runs over which settings. */
    public String describe() {
        StringBuilder b = new StringBuilder(runs.size() + " runs (" + (grid ? "grid" : "random sample") + ")");
        axes.forEach((k, v) -> b.append(", ").append(k).append(' ').append(v.size() == 1 ? v.get(0) : v));
        return b.toString();
    }

    /** Values per setting. */
    public static final class Builder {
        private long[] seeds = {1};
        private int[] batchSizes = {64};
        private Optimizer[] optimizers = {Optimizer.ADAM};
        private double[] learningRates = {1e-3};
        private double[] weightDecays = {0};
        private double[] dropouts = {0};
        private int[] epochs = {1};

        private Builder() {
        }

        public Builder seeds(long... values) {
            seeds = nonEmpty("seeds", values.clone(), values.length);
            return this;
        }

        public Builder batchSizes(int... values) {
            batchSizes = nonEmpty("batch sizes", values.clone(), values.length);
            return this;
        }

        public Builder optimizers(Optimizer... values) {
            optimizers = nonEmpty("optimizers", values.clone(), values.length);
            return this;
        }

        public Builder learningRates(double... values) {
            learningRates = nonEmpty("learning rates", values.clone(), values.length);
            return this;
        }

        public Builder weightDecays(double... values) {
            weightDecays = nonEmpty("weight decays", values.clone(), values.length);
            return this;
        }

        /** Probabilities of dropping a hidden unit (0: none). */
        public Builder dropouts(double... values) {
            dropouts = nonEmpty("dropouts", values.clone(), values.length);
            return this;
        }

        public Builder epochs(int... values) {
            epochs = nonEmpty("epochs", values.clone(), values.length);
            return this;
        }

        private static <T> T nonEmpty(String what, T values, int length) {
            if (length == 0) {
                throw new IllegalArgumentException("no " + what + " given: give at least one value");
            }
            return values;
        }

        /** Every combination: seed, batch, optimizer, lr, weight decay, dropout, epochs (the last fastest). */
        public StudyPlan grid() {
            List<RunSettings> runs = new ArrayList<>();
            for (long s : seeds) {
                for (int b : batchSizes) {
                    for (Optimizer o : optimizers) {
                        for (double lr : learningRates) {
                            for (double wd : weightDecays) {
                                for (double d : dropouts) {
                                    for (int e : epochs) {
                                        runs.add(new RunSettings(s, b, o, lr, wd, d, e));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return new StudyPlan(axes(), true, dedupe(runs));
        }

        /** {@code count} combinations drawn uniformly (with {@code seed}); repeats are drawn again. */
        public StudyPlan random(int count, long seed) {
            long combinations = (long) seeds.length * batchSizes.length * optimizers.length * learningRates.length
                    * weightDecays.length * dropouts.length * epochs.length;
            if (count < 1 || count > combinations) {
                throw new IllegalArgumentException("random sample of " + count + " runs: must be 1.."
                        + combinations + " (the grid's size)");
            }
            Random r = new Random(seed);
            LinkedHashSet<RunSettings> runs = new LinkedHashSet<>();
            while (runs.size() < count) {
                runs.add(new RunSettings(seeds[r.nextInt(seeds.length)], batchSizes[r.nextInt(batchSizes.length)],
                        optimizers[r.nextInt(optimizers.length)], learningRates[r.nextInt(learningRates.length)],
                        weightDecays[r.nextInt(weightDecays.length)], dropouts[r.nextInt(dropouts.length)],
                        epochs[r.nextInt(epochs.length)]));
            }
            return new StudyPlan(axes(), false, new ArrayList<>(runs));
        }

        private static List<RunSettings> dedupe(List<RunSettings> runs) {
            return new ArrayList<>(new LinkedHashSet<>(runs));
        }

        private Map<String, List<String>> axes() {
            Map<String, List<String>> m = new LinkedHashMap<>();
            m.put("seed", Arrays.stream(seeds).distinct().mapToObj(Long::toString).toList());
            m.put("batch", Arrays.stream(batchSizes).distinct().mapToObj(Integer::toString).toList());
            m.put("optimizer", Arrays.stream(optimizers).distinct().map(Optimizer::label).toList());
            m.put("lr", Arrays.stream(learningRates).distinct().mapToObj(RunSettings::text).toList());
            m.put("weight_decay", Arrays.stream(weightDecays).distinct().mapToObj(RunSettings::text).toList());
            m.put("dropout", Arrays.stream(dropouts).distinct().mapToObj(RunSettings::text).toList());
            m.put("epochs", Arrays.stream(epochs).distinct().mapToObj(Integer::toString).toList());
            return m;
        }
    }
}
