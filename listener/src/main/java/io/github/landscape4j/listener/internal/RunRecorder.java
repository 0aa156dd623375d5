package io.github.landscape4j.listener.internal;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.internal.Json;
import io.github.landscape4j.store.internal.RecordTypes;
import io.github.landscape4j.store.internal.StoreWriter;
import io.github.landscape4j.trajectory.internal.CheckpointKeeper;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.trajectory.internal.NormRecorder;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.nn.api.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.github.landscape4j.store.internal.ShutdownOrder;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Supplier;

/**
 * Internal: records one model's run: run metadata once, scalars at the configured cadence ({@link RunScalars}),
 * checkpoints with thinning within a byte budget ({@link RunCheckpoints}), snapshots on schedule
 * ({@link RunSnapshots}). Runs on the training thread except the writes, which its {@link StoreWriter}
 * does on its own thread.
 *
 * <p>A run holds its model weakly and ends ({@link #end(End)}) when it is closed, when its model is collected
 * ({@link RunEnds}) or at JVM exit; ending writes the final checkpoint, commits, stops the writer thread and drops
 * the run's arrays. No snapshot is taken at JVM exit: one in progress is abandoned and nothing of it is written.
 * Callbacks and {@link #end(End)} take the run's lock; a snapshot is computed outside it, so ending never waits
 * for one.
 */
public final class RunRecorder implements AutoCloseable, RunSnapshots.Run {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    /** Why a run ends. */
    public enum End {
        /** The listener was closed by its owner: a final snapshot if the schedule allows it. */
        CLOSED,
        /** The model was collected: nothing can be computed on it any more. */
        MODEL_COLLECTED,
        /** The JVM is exiting: commit what there is, no snapshot. */
        JVM_EXIT
    }

    private final LandscapeConfig config;
    private final String runId;
    private final Supplier<RunInfo> info;
    private final FaultGuard guard;
    private final Supplier<String> storeName;
    private final StoreWriter writer;
    private final RunScalars scalars;
    private final RunCheckpoints checkpoints;
    private final long startNanos = System.nanoTime();
    private final RunEnds.Watch model;
    private final RunSteps steps;

    private final RunSnapshots snapshots;
    /** Set first when the run ends: a snapshot in progress gives up at its next part. */
    private volatile boolean ending;
    /** Set once the initial checkpoint was taken (read without the lock by the listener's callbacks). */
    private volatile boolean started;
    private boolean ended; // guarded by this
    private boolean endSaid; // guarded by this
    private final AutoCloseable atExit;

    /** {@code storeName} names the store (its file) in messages. */
    public RunRecorder(Model model, LandscapeConfig config, StatsStorageRouter router, Supplier<String> storeName,
                       Probe trainProbe, Probe validationProbe, List<Measure> measures) {
        this.config = config;
        List<ParameterTensor> tensors = Models.tensors(model);
        Instant start = Instant.now();
        String runId = RunIds.unique(config.runName() + "-" + ID_TIME.format(start) + "-");
        String workerId = "pid" + ProcessHandle.current().pid();
        Supplier<String> configJson = Models.configJsonLater(model);
        String kind = Models.kind(model);
        long numParams = model.numParams();
        this.runId = runId;
        this.info = RunIds.memoize(() -> new RunInfo(runId, workerId, config.runName(), config.tags(), config.seed(), start,
                kind, configJson.get(), numParams, tensors, config.asOptions(), Versions.all(),
                RecordTypes.SCHEMA_VERSION, LandscapeEngine.measures(config.snapshots(), measures)));
        this.guard = new FaultGuard(runId);
        this.steps = new RunSteps(runId);
        this.storeName = storeName;
        RunWriters.Made made = RunWriters.make(router, runId, workerId, config.perTensor()
                ? tensors.stream().map(ParameterTensor::name).toList() : List.of(), config, guard, storeName);
        this.writer = made.writer();
        writer.writeRunInfo(() -> Json.GSON.toJson(info.get())); // made on the writer thread
        this.checkpoints = new RunCheckpoints(writer, config.checkpointEvery(), config.maxCheckpoints(), numParams,
                config.checkpointBytes(), runId);
        this.scalars = new RunScalars(config, writer, new NormRecorder(tensors), tensors.size(), startNanos, runId);
        this.snapshots = new RunSnapshots(runId, config, measures, trainProbe, validationProbe, startNanos, this);
        checkpoints.live(model.params());
        this.model = RunEnds.watch(model, this);
        this.atExit = new AutoCloseable() {
            @Override
            public void close() {
                end(End.JVM_EXIT);
            }

            @Override
            public String toString() {
                return "run " + runId;
            }
        };
        if (!made.late()) { // a run begun during JVM exit writes nowhere: nothing to close
            ShutdownOrder.closeBeforeStores(atExit);
        }
    }

    /** The run's metadata (made on first use: its configuration JSON is the costly part). */
    public RunInfo info() {
        return info.get();
    }

    public String runId() {
        return runId;
    }

    /** Whether this run records {@code m}. */
    public boolean records(Model m) {
        return model.get() == m;
    }

    public FaultGuard guard() {
        return guard;
    }

    /** Whether the initial checkpoint was taken: callbacks before an update have nothing more to do. */
    public boolean started() {
        return started;
    }

    /** Before the first update: the initial checkpoint. */
    public synchronized void start(Model model) {
        if (ended || started) {
            return;
        }
        checkpoints.live(model.params());
        checkpoints.initial(model, steps.epoch());
        started = checkpoints.started();
    }

    /** Whether {@link #gradient} has work at this iteration (unlocked, training thread: a row-less one costs nil). */
    public boolean gradientWanted(Model model) {
        int iteration = Models.iterationCount(model);
        steps.gradientAt(iteration); // a step without one came from outside fit
        return !started || snapshots.collecting() || scalars.due(iteration);
    }

    /** In {@code onGradientCalculation}: the raw gradient, before the updater overwrites the buffer. */
    public synchronized void gradient(Model model) {
        if (ended) {
            return;
        }
        int iteration = Models.iterationCount(model);
        steps.gradientAt(iteration);
        start(model);
        snapshots.offer(model);
        scalars.gradient(model, iteration);
    }

    /**
     * In {@code iterationDone}: the update has been applied; or, when {@code fit} computed no gradient at this
     * iteration, the parameters were set from outside it (see {@link #step(Model)}).
     */
    public void iterationDone(Model model, int iteration, int epoch) {
        step(model, iteration, epoch, steps.fromOutside(iteration));
    }

    /**
     * A step made outside {@code fit} (parameters set from outside, e.g. averaged by dl4j-spark), at the model's
     * iteration and epoch counts: its row (no gradient norms; the update is the change of parameters since the
     * previous step, if that came from outside too), a checkpoint and a snapshot when due. The run starts at its
     * first step, its initial checkpoint being the parameters then. A step not after the last one is not recorded.
     */
    public void step(Model model) {
        step(model, Models.iterationCount(model), RunSteps.epochCount(model), true);
    }

    private void step(Model model, int iteration, int epoch, boolean outside) {
        boolean snapshotDue;
        synchronized (this) {
            if (ended || (outside && !steps.forward(iteration))) {
                return;
            }
            start(model); // a model trained elsewhere sends nothing before its first step
            long after = outside && steps.stepped() ? steps.iteration() : iteration - 1;
            boolean epochTurned = steps.step(iteration, epoch);
            checkpoints.live(model.params());
            if (outside) {
                scalars.outsideStep(model, iteration, epoch);
            } else {
                scalars.iterationDone(model, iteration, epoch);
            }
            checkpoints.afterIteration(model, iteration, epoch);
            snapshotDue = snapshots.dueAfter(after, iteration) || (epochTurned && snapshots.dueAtEpochEnd());
        }
        if (snapshotDue) {
            snapshots.takeScheduled(model, iteration, epoch);
        }
    }

    /**
     * Takes a snapshot of {@code model} as it is now, whatever the schedule, and waits until it is committed. Empty
     * when there is no probe yet, the run has ended or snapshots have stopped after a fault.
     */
    public java.util.Optional<Snapshot> snapshotNow(Model model) {
        long iteration;
        int epoch;
        synchronized (this) {
            iteration = steps.iteration();
            epoch = steps.epoch();
        }
        Snapshot s = snapshots.take(model, iteration, epoch, Long.MAX_VALUE, 0);
        flush();
        return java.util.Optional.ofNullable(s);
    }

    /** The trajectory so far, for a snapshot; null once the run is ending. */
    @Override
    public RunSnapshots.Trajectory trajectory() {
        checkpoints.awaitSketch(); // outside the lock
        synchronized (this) {
            return ended || ending ? null : checkpoints.trajectory();
        }
    }

    /** Writes a snapshot's record unless the run ended while it was computed. */
    @Override
    public synchronized boolean write(String json) {
        if (ended || ending) {
            return false;
        }
        writer.writeRecord(RecordTypes.SNAPSHOT, json);
        return true;
    }

    @Override
    public boolean ending() {
        return ending;
    }

    @Override
    public void progress(io.github.landscape4j.store.LandscapeStore.Progress progress) {
        writer.writeProgress(progress);
    }

    /** Number of snapshots taken. */
    public int snapshots() {
        return snapshots.count();
    }

    /** At an epoch end: refresh the final checkpoint and commit (without waiting for the commit). */
    public void epochEnd(Model model) {
        boolean snapshotDue;
        boolean commitDue;
        synchronized (this) {
            if (ended) {
                return;
            }
            steps.epochEvent();
            commitDue = checkpoints.epochEnd(model.params(), steps.iteration(), steps.epoch(), config.commitMillis());
            snapshotDue = snapshots.dueAtEpochEnd();
        }
        if (snapshotDue) {
            snapshots.takeScheduled(model, steps.iteration(), steps.epoch());
        }
        if (commitDue) {
            commitPending();
        }
    }

    /** The kept periodic checkpoints (in memory), oldest first; empty once the run has ended. */
    public synchronized List<CheckpointKeeper.Kept> checkpoints() {
        return checkpoints.kept();
    }

    /**
     * Has everything recorded so far committed without waiting for it: the writer commits in order, so whatever the
     * run queues next (a snapshot's progress record) is seen after it. Training does not wait for the disk, nor, at
     * the first commit, for the writer to open the store (~1 s of class loading on a small machine).
     */
    @Override
    public synchronized void commitPending() {
        if (!ended) {
            writer.commitQueued();
        }
    }

    /** Waits until everything recorded so far is committed. */
    public synchronized void flush() {
        if (!ended) {
            writer.flush();
        }
    }

    /**
     * The final snapshot as a close would take it, without ending the run (under the agent, when {@code main}
     * returns); nothing when the run has ended, the model is gone or one was taken at this iteration.
     */
    public void finalSnapshot() {
        Model m = model.get();
        long iteration;
        int epoch;
        synchronized (this) {
            if (ended || ending || m == null || !checkpoints.started()) {
                return;
            }
            iteration = steps.iteration();
            epoch = steps.epoch();
        }
        snapshots.takeFinal(m, iteration, epoch);
        commitPending();
    }

    /** Ends the run as closed by its owner (see {@link #end(End)}). Idempotent. */
    @Override
    public void close() {
        end(End.CLOSED);
    }

    /**
     * Ends the run: on {@link End#CLOSED} outside JVM shutdown, first the final snapshot (unless snapshots are off);
     * then the final checkpoint (from the model, or from its parameter buffer once it is gone), a commit, and the
     * writer thread stops. Never takes a snapshot during JVM shutdown. Idempotent; never throws.
     */
    public void end(End how) {
        boolean exiting = how == End.JVM_EXIT || (how == End.CLOSED && ShutdownOrder.shuttingDown());
        if (how == End.CLOSED && !exiting) {
            finalSnapshot(); // the point training ended at
        }
        boolean inProgress = snapshots.inProgress();
        ending = true;
        neverFired(exiting || ShutdownOrder.shuttingDown(), how == End.MODEL_COLLECTED);
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            guard.run("the end of the run (" + how + ")", () -> checkpoints.end(model.get(), steps.iteration(),
                    steps.epoch()));
            if (exiting && (inProgress || snapshots.finalWanted(steps.iteration()))) {
                Notices.exitWithoutFinalSnapshot(inProgress);
            }
            snapshots.ended(steps.iteration());
            try {
                writer.close();
            } catch (RuntimeException e) {
                guard.trip("committing the end of the run to " + storeName.get(), e);
            }
            release();
        }
        model.forget();
        ShutdownOrder.forget(atExit);
    }

    /**
     * Said once as the run ends: a schedule that never fired ({@link SnapshotSchedule#neverFired}), and a run that
     * ends with no snapshot at all and why ({@link Notices}: on stderr too when it would not be seen otherwise).
     */
    private synchronized void neverFired(boolean exiting, boolean collected) {
        if (ended || !steps.stepped() || endSaid) {
            return; // two ends can race (the exit hook and the model's collection): said once
        }
        endSaid = true;
        Notices.runEnded(runId, steps.iteration(), snapshots.count(), config.snapshotsEnabled(), exiting, collected,
                SnapshotSchedule.parse(config.schedule()).neverFired(config.schedule(), steps.iteration(),
                        steps.epoch(), snapshots.count(), steps.epochsSeen(), snapshots.fired()),
                snapshots.noSnapshotReason());
    }

    /** Drops what the run kept for snapshots and checkpoints; a run that ended holds only its metadata. */
    private void release() {
        snapshots.release();
        checkpoints.release();
        scalars.release();
    }
}
