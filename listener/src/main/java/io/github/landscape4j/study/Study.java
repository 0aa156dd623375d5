package io.github.landscape4j.study;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.StudyRecord;
import org.nd4j.linalg.dataset.DataSet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A study: does a flat minimum predict generalization? It trains a family of runs ({@link StudyPlan}) of one model
 * ({@link StudyModel}) on one data set, each recorded by the {@code LandscapeListener} as a run of the store (named
 * by its settings, tagged with them; no snapshots during training, initial and final checkpoints kept), then
 * computes every measure of the landscape engine at its final point, on a train probe and a held-out probe of the
 * same size, and correlates each measure with the generalization gap ({@link StudyAnalysis}). The result is a
 * {@link StudyRecord} in the store, rewritten after every finished run.
 *
 * <p>Resumable: {@link #run()} skips the runs the store's study record already holds (matched by their settings)
 * and redoes a run that was interrupted. With {@code parallel(2)} two runs train at once on their own threads;
 * each run seeds its own network, data order and ND4J generator (per thread), and computes every step and its final
 * snapshot under one ND4J thread setting while the other runs wait for or join it, so its numbers do not depend on
 * it, bit for bit (nor on other studies computing in the same JVM).
 *
 * <pre>{@code
 * try (LandscapeStore store = LandscapeStore.open(Path.of("runs/study.db"))) {
 *     StudyRecord result = Study.builder("my-study").store(store).model(settings -> myNet(settings))
 *             .data(trainSet, heldOutSet).plan(StudyPlan.builder().seeds(1, 2).batchSizes(32, 512).grid())
 *             .probeSize(1000).build().run();
 *     StudyReport.write(result, Path.of("out"));
 * }
 * }</pre>
 *
 * Not thread-safe: call {@link #run()} from one thread.
 */
public final class Study {
    private static final StudyRunner LOCAL = StudyRunner.local();
    private final Builder b;

    private Study(Builder b) {
        this.b = b;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The study's default snapshot options: every measure, no planes or slices (they are not correlated). */
    public static SnapshotConfig defaultSnapshots() {
        SnapshotConfig d = LandscapeConfig.defaults().snapshots();
        return new SnapshotConfig(d.grid(), d.range(), d.normalization(), d.biasBn(), Set.of(), false, d.epsilon(),
                d.sharpnessK(), d.ascentSteps(), d.hessianIterations(), d.hutchinson(), false, d.sharpnessBoxAll(),
                d.curvatureAll(), d.pcaCentred());
    }

    /**
     * Trains the runs the store does not hold yet, measures them, analyses all of them and writes the study record
     * (after each run and at the end).
     *
     * @return the study record with every run of the plan and the correlations
     * @throws StudyException naming the run when one fails (the runs finished before it stay in the store)
     */
    public StudyRecord run() {
        Map<String, Integer> order = new HashMap<>();
        for (int i = 0; i < b.plan.runs().size(); i++) {
            order.put(b.plan.runs().get(i).key(), i);
        }
        Comparator<StudyRecord.Run> byPlan = Comparator.comparingInt(r -> order.get(r.key()));
        StudyRecord stored = b.store.study(b.name).orElse(null);
        List<StudyRecord.Run> runs = new ArrayList<>();
        if (stored != null) {
            stored.runs().stream().filter(r -> order.containsKey(r.key())).forEach(runs::add);
        }
        Set<String> done = new HashSet<>();
        runs.forEach(r -> done.add(r.key()));
        List<RunSettings> todo = b.plan.runs().stream().filter(s -> !done.contains(s.key())).toList();
        StudyRecord record = new StudyRecord(b.name, b.description + "; " + b.plan.describe(), b.plan.axes(),
                b.plan.grid(), b.plan.runs().size(), options(), LandscapeEngine.measures(b.snapshots, List.of()),
                runs, List.of(), Instant.now());
        b.store.writeStudy(record);
        b.progress.accept(String.format("study %s: %d runs planned, %d already in %s, %d to train%s%s", b.name,
                b.plan.runs().size(), runs.size(), b.store.description(), todo.size(),
                b.parallel > 1 ? " (" + b.parallel + " at once)" : "", b.runner == LOCAL ? "" : " on " + b.runner));
        StudyWork work = new StudyWork(b.name, b.model, b.train, b.heldOut, b.probeSize, b.stopping, b.snapshots,
                b.parallel);
        long start = System.nanoTime();
        StudyRecord[] written = {record};
        int[] finished = {0};
        b.runner.run(work, b.store, todo, r -> {
            runs.add(r);
            runs.sort(byPlan);
            written[0] = written[0].with(runs, List.of());
            b.store.writeStudy(written[0]);
            finished[0]++;
            double elapsed = (System.nanoTime() - start) / 1e9;
            double eta = elapsed / finished[0] * (todo.size() - finished[0]);
            b.progress.accept(String.format("  [%d/%d] %s: %d epochs (%s), train %.1f s, measures %.1f s,"
                            + " gap %.4f, accuracy gap %.4f; %.0f s so far, ETA %.0f s", runs.size(),
                    b.plan.runs().size(), r.key(), r.epochs(), r.stopReason(), r.trainSeconds(),
                    r.measureSeconds(), r.measure("gap"), r.measure("accuracy_gap"), elapsed, eta));
        });
        record = written[0];
        record = record.with(runs, b.analysis.correlations(record));
        b.store.writeStudy(record);
        return record;
    }

    private Map<String, String> options() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("stopping", b.stopping.toString());
        m.put("probe_size", Integer.toString(b.probeSize));
        m.put("train_examples", Integer.toString(b.train.numExamples()));
        m.put("held_out_examples", Integer.toString(b.heldOut.numExamples()));
        SnapshotConfig c = b.snapshots;
        m.put("normalization", c.normalization().name().toLowerCase(java.util.Locale.ROOT));
        m.put("epsilon", Double.toString(c.epsilon()));
        m.put("sharpness_k", Integer.toString(c.sharpnessK()));
        m.put("ascent_steps", Integer.toString(c.ascentSteps()));
        m.put("hessian_iterations", Integer.toString(c.hessianIterations()));
        m.put("hutchinson", Integer.toString(c.hutchinson()));
        m.put("sharpness_box", c.sharpnessBoxAll() ? "all" : "weights");
        m.put("curvature", c.curvatureAll() ? "all" : "weights");
        m.put("permutations", Integer.toString(b.analysis.permutations()));
        m.put("bootstrap_resamples", Integer.toString(b.analysis.resamples()));
        return m;
    }

    /** Sets up a study; {@code store}, {@code model}, {@code data} and {@code plan} are required. */
    public static final class Builder {
        private final String name;
        private LandscapeStore store;
        private StudyModel model;
        private DataSet train;
        private DataSet heldOut;
        private StudyPlan plan;
        private String description = "user model";
        private StoppingRule stopping = StoppingRule.epochs();
        private int probeSize = 1000;
        private SnapshotConfig snapshots = defaultSnapshots();
        private int parallel = 1;
        private StudyAnalysis analysis = StudyAnalysis.defaults();
        private Consumer<String> progress = line -> { };
        private StudyRunner runner = LOCAL;

        private Builder(String name) {
            if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("study name '" + name + "': use letters, digits, '.', '_', '-'");
            }
            this.name = name;
        }

        /** The store the runs and the study record go to (the caller opens and closes it). */
        public Builder store(LandscapeStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** Builds each run's network from its settings. */
        public Builder model(StudyModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * The training examples (shuffled into minibatches of each run's batch size, per epoch, by its seed) and
         * held-out examples; the train probe is the first {@code probeSize} training examples, the held-out probe
         * the first {@code probeSize} held-out ones. Features are a matrix {@code [examples, features]} (a CNN takes
         * them through a {@code convolutionalFlat} input type).
         */
        public Builder data(DataSet train, DataSet heldOut) {
            this.train = Objects.requireNonNull(train, "train");
            this.heldOut = Objects.requireNonNull(heldOut, "heldOut");
            return this;
        }

        public Builder plan(StudyPlan plan) {
            this.plan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        /** One line saying what the model and data are, for the report (default "user model"). */
        public Builder description(String description) {
            this.description = Objects.requireNonNull(description, "description");
            return this;
        }

        /** When each run stops (default: its epochs). */
        public Builder stopping(StoppingRule rule) {
            this.stopping = Objects.requireNonNull(rule, "stopping");
            return this;
        }

        /** Examples in each probe, train and held-out alike (default 1000). */
        public Builder probeSize(int examples) {
            if (examples < 2) {
                throw new IllegalArgumentException("probe size " + examples + ": must be >= 2");
            }
            this.probeSize = examples;
            return this;
        }

        /** What the final-point snapshot computes (default {@link #defaultSnapshots()}). */
        public Builder snapshots(SnapshotConfig config) {
            this.snapshots = Objects.requireNonNull(config, "snapshots");
            return this;
        }

        /** Runs trained at once, 1..16 (default 1). */
        public Builder parallel(int runs) {
            if (runs < 1 || runs > 16) {
                throw new IllegalArgumentException("parallel " + runs + ": must be 1..16");
            }
            this.parallel = runs;
            return this;
        }

        /** The statistics' options (default {@link StudyAnalysis#defaults()}). */
        public Builder analysis(StudyAnalysis analysis) {
            this.analysis = Objects.requireNonNull(analysis, "analysis");
            return this;
        }

        /**
         * Where the runs are trained (default {@link StudyRunner#local()}: this JVM, {@link #parallel} at once); e.g.
         * {@code new SparkStudyRunner(sc)} of {@code landscape4j-spark} trains each run as a Spark task.
         */
        public Builder runner(StudyRunner runner) {
            this.runner = Objects.requireNonNull(runner, "runner");
            return this;
        }

        /** Receives one line per event (start, each finished run with the ETA); default: nothing. */
        public Builder progress(Consumer<String> lines) {
            this.progress = Objects.requireNonNull(lines, "progress");
            return this;
        }

        public Study build() {
            List<String> missing = new ArrayList<>();
            if (store == null) {
                missing.add("store");
            }
            if (model == null) {
                missing.add("model");
            }
            if (train == null) {
                missing.add("data");
            }
            if (plan == null) {
                missing.add("plan");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("study " + name + " lacks " + String.join(", ", missing));
            }
            if (train.numExamples() < probeSize || heldOut.numExamples() < probeSize) {
                throw new IllegalArgumentException("probe size " + probeSize + " needs at least as many examples: "
                        + train.numExamples() + " train and " + heldOut.numExamples() + " held-out given");
            }
            return new Study(this);
        }
    }
}
