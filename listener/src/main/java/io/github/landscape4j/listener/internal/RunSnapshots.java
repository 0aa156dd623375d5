package io.github.landscape4j.listener.internal;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.SnapshotAbandoned;
import io.github.landscape4j.engine.SnapshotConfig;
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

    /** The probes collected so far become the run's (validation: held-out minibatches, if any). */
    private void useCollected() {
        train = collector.probe();
        validation = validation == null ? collector.validation() : validation;
        collector = null;
    }

    synchronized boolean dueAtIteration(long iteration) {
        return fired(train != null && !guard.tripped() && schedule.dueAtIteration(iteration));
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

    /** The longest a scheduled snapshot starting now may take. */
    synchronized long limitNanos() {
        return schedule.limitNanos();
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

    /** When training ends by an explicit close: the final snapshot, if the schedule (and budget) allow it. */
    void takeFinal(Model model, long iteration, int epoch) {
        boolean due;
        synchronized (this) {
            if (train == null && collector != null && collector.usable()) {
                useCollected(); // a run closed before its probe is full: what it saw, if at least probeMin
            }
            if (!finalWanted(iteration)) {
                return;
            }
            due = schedule.finalDue();
            if (!due && schedule.kind() == SnapshotSchedule.Kind.BUDGET && !budgetLogged) {
                budgetLogged = true;
                LOG.info("landscape4j: run {}: final snapshot skipped: it would take more than its share of the"
                        + " time budget (snapshot={})", runId, scheduleOption);
            }
        }
        if (due) {
            take(model, iteration, epoch, limitNanos());
        }
    }

    /**
     * Takes a snapshot now, given up past {@code limitNanos} or when the run ends; a failure is logged once and
     * stops snapshots, not recording. Null when none was written.
     */
    Snapshot take(Model model, long iteration, int epoch, long limitNanos) {
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
                try {
                    Snapshot s = t.snapshot(SnapshotRequest.of(p).withValidation(v).withParams(model.params())
                            .withTrajectory(trajectory.path(), trajectory.iterations(), trajectory.initial())
                            .withSketch(trajectory.sketch())
                            .at(index, iteration, epoch, (System.nanoTime() - startNanos) / 1_000_000L)
                            .withLearningRate(Models.learningRate(model)).withBatchSize(batch)
                            .withLimit(runId, limitNanos, run::ending));
                    if (run.write(Json.GSON.toJson(s))) {
                        synchronized (this) {
                            count++;
                            lastIteration = iteration;
                            schedule.taken(schedule.now() - t0);
                        }
                        written[0] = s;
                    }
                } catch (SnapshotAbandoned a) {
                    skipped(a, iteration);
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
        run.progress(new LandscapeStore.Progress(state, snapshot, iteration, System.currentTimeMillis()));
    }

    private void skipped(SnapshotAbandoned a, long iteration) {
        boolean log;
        synchronized (this) {
            schedule.abandoned(a.costNanos(), a.predictedNanos());
            log = !run.ending() && !budgetLogged;
            budgetLogged |= log;
        }
        if (log) {
            LOG.info("landscape4j: run {}: snapshot at iteration {} skipped after {} ms: {}; later ones wait until"
                    + " they fit (snapshot={}; said once per run)", runId, iteration, a.costNanos() / 1_000_000L,
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
