package io.github.landscape4j.listener.internal;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.SnapshotAbandoned;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.engine.SnapshotLevel;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.internal.Json;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.surface.internal.ProbeCollector;
import io.github.landscape4j.trajectory.internal.TrajectorySketch;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Internal: one run's landscape snapshots: the train probe (given, or collected from the first minibatches), the
 * schedule, and the snapshots themselves, one at a time, so indices are unique. A snapshot is computed outside the
 * run's lock and written only if the run has not begun to end meanwhile; one given up ({@link SnapshotAbandoned})
 * writes nothing and keeps its index for the next.
 */
final class RunSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");

    /** What a snapshot needs from its run. */
    interface Run {
        /** The trajectory so far, read under the run's lock; null once the run is ending. */
        Trajectory trajectory();

        /** Writes a snapshot's record unless the run is ending; whether it did. */
        boolean write(String json);

        /** Whether the run has begun to end (a snapshot in progress gives up at its next part). */
        boolean ending();

        /**
         * Has the scalars recorded so far committed ahead of what the snapshot writes (its progress record, then
         * itself), so the page shows the run up to the snapshot while it is computed. Does not wait for the commit:
         * at the first snapshot the writer may still be opening the store, which training need not wait for.
         */
        void commitPending();

        /** Queues the run's progress record (made into JSON on the writer's thread). */
        void progress(LandscapeStore.Progress progress);
    }

    /** Checkpoints so far, initial parameters first, with their iterations, and the sketch standing in for them. */
    record Trajectory(List<INDArray> path, long[] iterations, INDArray initial, TrajectorySketch sketch) {
    }

    private final String runId;
    private final String scheduleOption;
    private final SnapshotSchedule schedule; // guarded by this
    private final FaultGuard guard;
    private final long startNanos;
    private final Run run;
    private final AtomicBoolean taking = new AtomicBoolean();
    private final SnapshotConfig snapshotConfig;
    private final long seed;
    private final int threads;
    private final List<Measure> extraMeasures;
    private LandscapeEngine engine; // guarded by this, as the fields below; made at the first snapshot
    private boolean released;
    private ProbeCollector collector;
    private Probe train;
    private Probe validation;
    private int count;
    private boolean fired;
    private long lastIteration = Long.MIN_VALUE;
    private boolean budgetLogged;
    private long batchSize; // examples in the last minibatch seen, 0 until one is
    private final long finalCapNanos;
    private final int probeSize;
    /** Why the last snapshot due was not written, until one is: stored in the progress record, said at the end. */
    private String note = "";

    RunSnapshots(String runId, LandscapeConfig config, List<Measure> extraMeasures, Probe train, Probe validation,
                 long startNanos, Run run) {
        this.runId = runId;
        this.scheduleOption = config.schedule();
        this.schedule = SnapshotSchedule.parse(scheduleOption);
        this.guard = new FaultGuard(runId, "snapshots");
        this.startNanos = startNanos;
        this.run = run;
        this.snapshotConfig = config.snapshots();
        this.seed = config.seed();
        this.threads = config.snapshotThreads();
        this.extraMeasures = List.copyOf(extraMeasures);
        this.finalCapNanos = config.finalSeconds() * 1_000_000_000L;
        this.probeSize = config.probeSize();
        this.train = train;
        this.validation = validation;
        this.collector = train == null && config.snapshotsEnabled()
                ? new ProbeCollector(config.probeSize(), config.probeMin(), validation == null ? config.holdout() : 0,
                runId) : null;
    }

    /**
     * In {@code onGradientCalculation}: the minibatch's size, and the train probe from the first minibatches, until
     * it is full.
     */
    synchronized void offer(Model model) {
        batchSize = batchSize(model, batchSize);
        if (collector != null) {
            collector.offer(model);
            if (collector.complete()) {
                useCollected();
            }
        }
    }

    /** Whether the train probe is still being collected from the minibatches {@link #offer}ed. */
    synchronized boolean collecting() {
        return collector != null;
    }

    /** The probes collected so far become the run's (validation: held-out minibatches, if any). */
    private void useCollected() {
        train = collector.probe();
        validation = validation == null ? collector.validation() : validation;
        collector = null;
    }

    /** Whether a snapshot is due at a step to {@code iteration} from {@code after} (the previous step's). */
    synchronized boolean dueAfter(long after, long iteration) {
        return fired(train != null && !guard.tripped() && schedule.dueBetween(after, iteration));
    }

    synchronized boolean dueAtEpochEnd() {
        return fired(train != null && !guard.tripped() && schedule.dueAtEpochEnd());
    }

    private boolean fired(boolean due) {
        fired |= due;
        return due;
    }

    /** Whether the schedule ever made a snapshot due (taken, skipped for the budget or abandoned). */
    synchronized boolean fired() {
        return fired;
    }

    /**
     * Takes the snapshot the schedule made due: with {@code budget:P%}, at the richest level that fits the budget's
     * room now (abandoned past it); otherwise the full one, unbounded.
     */
    void takeScheduled(Model model, long iteration, int epoch) {
        long limit;
        synchronized (this) {
            limit = schedule.limitNanos();
        }
        boolean budget = schedule.kind() == SnapshotSchedule.Kind.BUDGET;
        take(model, iteration, epoch, limit, budget ? Math.max(1, limit) : 0);
    }

    /**
     * Why this run has no snapshot, when it has none: a fault, the last due snapshot's skip, or the probe's state
     * (empty when it has one, snapshots are off or nothing is known against it).
     */
    synchronized String noSnapshotReason() {
        if (count > 0 || schedule.kind() == SnapshotSchedule.Kind.OFF) {
            return "";
        }
        if (guard.tripped()) {
            return "snapshots stopped after a fault (logged above)";
        }
        if (!note.isEmpty()) {
            return note;
        }
        if (train == null && collector != null && collector.held() == 0) {
            return "no minibatch reached the model to collect its train probe from (a model trained outside fit"
                    + " needs one given: probe(DataSet))";
        }
        if (train == null && collector != null) {
            return "its train probe was still being collected (" + collector.held() + " distinct examples of"
                    + " probeSize=" + probeSize + ")";
        }
        return "";
    }

    /** Number of snapshots written. */
    synchronized int count() {
        return count;
    }

    /** Whether a snapshot is being computed. */
    boolean inProgress() {
        return taking.get();
    }

    /** Whether a final snapshot at {@code iteration} would be taken if the run were closed rather than ending. */
    synchronized boolean finalWanted(long iteration) {
        return train != null && !guard.tripped() && schedule.kind() != SnapshotSchedule.Kind.OFF
                && lastIteration != iteration;
    }

    /**
     * When training ends (an explicit close, or {@code main} returning under the agent): the final snapshot unless
     * snapshots are off or one was taken at this iteration. With {@code budget:P%} it is taken whatever the budget, at
     * the richest level predicted to fit the budget's room or {@code finalSeconds}, whichever is longer (the quickest
     * at least). A run whose probe never filled uses what it saw, even below {@code probeMin} (its probe says so).
     */
    void takeFinal(Model model, long iteration, int epoch) {
        long levels;
        synchronized (this) {
            if (train == null && collector != null && collector.held() > 0
                    && schedule.kind() != SnapshotSchedule.Kind.OFF) {
                useCollected(); // a run that ends before its probe is full: what it saw, marked in its source
            }
            if (!finalWanted(iteration)) {
                return;
            }
            levels = schedule.finalLevelNanos(finalCapNanos);
        }
        take(model, iteration, epoch, Long.MAX_VALUE, levels);
    }

    /**
     * Takes a snapshot now, given up past {@code limitNanos} or when the run ends; a failure is logged once and
     * stops snapshots, not recording. Null when none was written.
     */
    Snapshot take(Model model, long iteration, int epoch, long limitNanos, long levelNanos) {
        if (!taking.compareAndSet(false, true)) {
            return null; // one at a time: a second caller would reuse the index
        }
        try {
            LandscapeEngine t;
            Probe p;
            Probe v;
            int index;
            long batch;
            synchronized (this) {
                if (engine == null && !released) {
                    LandscapeEngine.Builder b = LandscapeEngine.builder(model).config(snapshotConfig).seed(seed)
                            .threads(threads);
                    extraMeasures.forEach(b::measure);
                    engine = b.build();
                }
                t = engine;
                p = train;
                v = validation;
                index = count;
                batch = batchSize;
            }
            Trajectory trajectory = t == null || p == null || guard.tripped() ? null : run.trajectory();
            if (trajectory == null) {
                return null;
            }
            Snapshot[] written = new Snapshot[1];
            guard.run("snapshot " + index + " at iteration " + iteration, () -> {
                run.commitPending(); // a fault here stops snapshots like any other, never training
                progress("snapshot", index, iteration);
                long t0 = schedule.now();
                SnapshotRequest request = SnapshotRequest.of(p).withValidation(v).withParams(model.params())
                        .withTrajectory(trajectory.path(), trajectory.iterations(), trajectory.initial())
                        .withSketch(trajectory.sketch())
                        .at(index, iteration, epoch, (System.nanoTime() - startNanos) / 1_000_000L)
                        .withLearningRate(Models.learningRate(model)).withBatchSize(batch)
                        .withLimit(runId, limitNanos, run::ending).withLevels(levelNanos);
                try {
                    Snapshot s = t.snapshot(request);
                    if (run.write(Json.GSON.toJson(s))) {
                        synchronized (this) {
                            count++;
                            lastIteration = iteration;
                            note = "";
                            schedule.taken(schedule.now() - t0, SnapshotLevel.ofKey(s.level()));
                        }
                        written[0] = s;
                    }
                } catch (SnapshotAbandoned a) {
                    skipped(a, iteration);
                } finally {
                    long[] costs = new long[SnapshotLevel.values().length];
                    for (SnapshotLevel l : SnapshotLevel.values()) {
                        costs[l.ordinal()] = t.predictNanos(l, request);
                    }
                    synchronized (this) {
                        schedule.costs(costs);
                    }
                }
            });
            if (!run.ending()) {
                progress("training", count(), iteration);
            }
            return written[0];
        } finally {
            taking.set(false);
        }
    }

    /**
     * The examples in the model's current minibatch ({@code batchSize()}: the labels' first dimension, else the
     * input's), or {@code previous} when it holds none ({@code MultiLayerNetwork.batchSize()} throws without them).
     */
    private static long batchSize(Model model, long previous) {
        try {
            int b = model.batchSize();
            return b > 0 ? b : previous;
        } catch (RuntimeException e) {
            return previous;
        }
    }

    /** The run is ending at {@code iteration}: its progress says finished (before the writer stops). */
    void ended(long iteration) {
        progress("finished", count(), iteration);
    }

    private void progress(String state, int snapshot, long iteration) {
        String n;
        synchronized (this) {
            n = note;
        }
        run.progress(new LandscapeStore.Progress(state, snapshot, iteration, System.currentTimeMillis(), n));
    }

    private void skipped(SnapshotAbandoned a, long iteration) {
        boolean log;
        synchronized (this) {
            schedule.abandoned(a.costNanos());
            log = !run.ending() && !budgetLogged;
            budgetLogged |= log;
            if (!run.ending()) {
                note = "the snapshot due at iteration " + iteration + " was skipped after "
                        + a.costNanos() / 1_000_000L + " ms: " + a.getMessage() + " (snapshot=" + scheduleOption + ")";
            }
        }
        if (log) {
            LOG.info("landscape4j: run {}: snapshot at iteration {} skipped after {} ms: {}; later ones wait until"
                    + " one fits (snapshot={}; said once per run)", runId, iteration, a.costNanos() / 1_000_000L,
                    a.getMessage(), scheduleOption);
        }
    }

    /** Drops the probe and the engine's network copies: the run has ended. */
    synchronized void release() {
        engine = null;
        released = true;
        collector = null;
        train = null;
        validation = null;
    }
}
