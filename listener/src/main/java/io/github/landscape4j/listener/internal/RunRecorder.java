package io.github.landscape4j.listener.internal;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.PluginScope;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.internal.Json;
import io.github.landscape4j.store.internal.RecordTypes;
import io.github.landscape4j.store.internal.StoreWriter;
import io.github.landscape4j.trajectory.internal.CheckpointKeeper;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.store.internal.IterationRow;
import io.github.landscape4j.trajectory.internal.NormRecorder;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.github.landscape4j.store.internal.ShutdownOrder;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Internal: records one model's run: run metadata once, scalars at the configured cadence, checkpoints with
 * thinning, snapshots on schedule. Runs on the training thread except the writes, which its {@link StoreWriter}
 * does on its own thread.
 *
 * <p>A run holds its model weakly and ends ({@link #end(End)}) when it is closed, when its model is collected
 * ({@link RunEnds}) or at JVM exit; ending writes the final checkpoint, commits, stops the writer thread and drops
 * the run's arrays. No snapshot is taken at JVM exit: one in progress is abandoned and nothing of it is written.
 * Callbacks and {@link #end(End)} take the run's lock; a snapshot is computed outside it, so ending never waits
 * for one.
 */
public final class RunRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    private static final AtomicBoolean EXIT_LOGGED = new AtomicBoolean();
    private static final long INITIAL_KEY = -2;
    private static final long FINAL_KEY = -1;
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
    private final NormRecorder norms;
    private final int tensorCount;
    private CheckpointKeeper keeper;
    /** Copies of thinned checkpoints, handed back by the writer once written, reused for new ones. */
    private final java.util.Queue<INDArray> spare = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final long startNanos = System.nanoTime();
    private final RunEnds.Watch model;
    /** The model's own parameter buffer (not a copy): the final checkpoint once the model is gone. */
    private INDArray liveParams;
    private int lastEpoch;
    /** When an epoch end last wrote the final checkpoint and committed (0: never). */
    private long lastEpochCommitNanos;
    private long lastIteration;
    private boolean initialTaken;
    private long initialIteration;
    private double gradientNorm;
    private boolean gradientSeen;
    private double[] gradientByTensor;

    private final RunSnapshots snapshots;
    private INDArray initialParams;
    /** Set first when the run ends: a snapshot in progress gives up at its next part. */
    private volatile boolean ending;
    private boolean ended; // guarded by this
    private final AutoCloseable atExit;

    /** Run ids issued in this JVM (a sweep starts several runs a second: a 16-bit suffix alone can repeat). */
    private static final java.util.Set<String> ISSUED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * {@code prefix} plus a random 4-digit hex suffix not issued before in this JVM: two runs with one id would share
     * one DL4J session, and the store would show one run where there were two.
     */
    public static String uniqueRunId(String prefix) {
        for (int attempt = 0; ; attempt++) {
            String id = prefix + (attempt < 100 // a second with thousands of runs: a wider suffix
                    ? String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000))
                    : String.format("%08x", ThreadLocalRandom.current().nextInt()));
            if (ISSUED.add(id)) {
                return id;
            }
        }
    }

    /** {@code storeName} names the store (its file) in messages. */
    public RunRecorder(Model model, LandscapeConfig config, StatsStorageRouter router, Supplier<String> storeName,
                       Probe trainProbe, Probe validationProbe, List<Measure> measures) {
        this.config = config;
        List<ParameterTensor> tensors = Models.tensors(model);
        Instant start = Instant.now();
        String runId = uniqueRunId(config.runName() + "-" + ID_TIME.format(start) + "-");
        String workerId = "pid" + ProcessHandle.current().pid();
        Supplier<String> configJson = Models.configJsonLater(model);
        String kind = Models.kind(model);
        long numParams = model.numParams();
        this.runId = runId;
        this.info = memoize(() -> new RunInfo(runId, workerId, config.runName(), config.tags(), config.seed(), start,
                kind, configJson.get(), numParams, tensors, config.asOptions(), Versions.all(),
                RecordTypes.SCHEMA_VERSION, LandscapeEngine.measures(config.snapshots(), measures)));
        this.guard = new FaultGuard(runId);
        this.storeName = storeName;
        this.keeper = new CheckpointKeeper(config.checkpointEvery(), config.maxCheckpoints());
        this.writer = new StoreWriter(router, runId, workerId, config.perTensor()
                ? tensors.stream().map(ParameterTensor::name).toList() : List.of(),
                config.commitEvery(), config.commitMillis(),
                t -> guard.trip("the store writer, writing to " + storeName.get(), t));
        writer.writeRunInfo(() -> Json.GSON.toJson(info.get())); // made on the writer thread
        this.norms = new NormRecorder(tensors);
        this.tensorCount = tensors.size();
        this.snapshots = new RunSnapshots(runId, config, measures, trainProbe, validationProbe, startNanos,
                new RunSnapshots.Run() {
                    @Override
                    public RunSnapshots.Trajectory trajectory() {
                        return RunRecorder.this.trajectory();
                    }

                    @Override
                    public boolean write(String json) {
                        return RunRecorder.this.writeSnapshot(json);
                    }

                    @Override
                    public boolean ending() {
                        return ending;
                    }

                    @Override
                    public void commitPending() {
                        flush();
                    }

                    @Override
                    public void progress(String json) {
                        writer.writeProgress(json);
                    }
                });
        this.liveParams = model.params();
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
        ShutdownOrder.closeBeforeStores(atExit);
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

    /** Whether the run has ended. */
    public synchronized boolean ended() {
        return ended;
    }

    private static <T> Supplier<T> memoize(Supplier<T> make) {
        return new Supplier<>() {
            private Supplier<T> maker = make;
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = maker.get();
                    maker = null; // what it was made from (a copy of the model's configuration) can go
                }
                return value;
            }
        };
    }

    public FaultGuard guard() {
        return guard;
    }

    /** Before the first update: the initial checkpoint. */
    public synchronized void start(Model model) {
        if (ended) {
            return;
        }
        liveParams = model.params();
        if (!initialTaken) {
            initialTaken = true;
            long iteration = Models.iterationCount(model);
            initialParams = model.params().dup();
            initialIteration = iteration;
            writer.writeCheckpoint(INITIAL_KEY, iteration, lastEpoch, Checkpoint.Kind.INITIAL, initialParams);
        }
    }

    /** In {@code onGradientCalculation}: the raw gradient, before the updater overwrites the buffer. */
    public synchronized void gradient(Model model) {
        if (ended) {
            return;
        }
        start(model);
        snapshots.offer(model);
        int iteration = Models.iterationCount(model);
        if (iteration % config.every() != 0) {
            return;
        }
        INDArray g = model.gradient().gradient();
        double scale = 1.0 / Models.gradientDivisor(model);
        if (perTensorDue(iteration)) {
            gradientByTensor = new double[tensorCount];
            gradientNorm = norms.copiedNorms(g, scale, gradientByTensor);
        } else {
            gradientNorm = NormRecorder.norm(g, scale);
        }
        gradientSeen = true;
    }

    private boolean perTensorDue(long iteration) {
        return config.perTensor() && (iteration / config.every()) % config.tensorEvery() == 0;
    }

    /** In {@code iterationDone}: the update has been applied. */
    public void iterationDone(Model model, int iteration, int epoch) {
        boolean snapshotDue;
        synchronized (this) {
            if (ended) {
                return;
            }
            record(model, iteration, epoch);
            snapshotDue = snapshots.dueAtIteration(iteration);
        }
        if (snapshotDue) {
            snapshots.take(model, iteration, epoch, snapshots.limitNanos());
        }
    }

    private void record(Model model, int iteration, int epoch) {
        liveParams = model.params();
        lastIteration = iteration;
        lastEpoch = epoch;
        if (iteration % config.every() == 0) {
            INDArray params = model.params();
            INDArray updateBuffer = model.gradient().gradient(); // DL4J left the applied update here
            double weight;
            double update;
            double[] w = null;
            double[] u = null;
            double[] g = null;
            if (perTensorDue(iteration)) {
                w = new double[tensorCount];
                u = new double[tensorCount];
                weight = norms.norms(params, 1.0, w);
                update = norms.copiedNorms(updateBuffer, 1.0, u);
                g = gradientByTensor;
                if (g == null) {
                    g = new double[tensorCount];
                    java.util.Arrays.fill(g, Double.NaN);
                }
            } else {
                weight = NormRecorder.norm(params, 1.0);
                update = NormRecorder.norm(updateBuffer, 1.0);
            }
            writer.addRow(new IterationRow(iteration, epoch, (System.nanoTime() - startNanos) / 1_000_000L,
                    model.score(), Models.learningRate(model), gradientSeen ? gradientNorm : Double.NaN,
                    update, weight, g, u, w));
            gradientByTensor = null;
            gradientSeen = false;
        }
        if (keeper.due(iteration)) {
            INDArray copy = spare.poll(); // a fresh allocation page-faults: ~1 ms for 80k floats on a small VM
            copy = copy == null ? model.params().dup() : copy.assign(model.params());
            writer.writeCheckpoint(iteration, iteration, epoch, Checkpoint.Kind.PERIODIC, copy);
            for (CheckpointKeeper.Kept dropped : keeper.add(new CheckpointKeeper.Kept(iteration, epoch, copy))) {
                writer.dropCheckpoint(dropped.iteration());
                writer.release(dropped.params(), spare::add);
            }
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
            iteration = lastIteration;
            epoch = lastEpoch;
        }
        Snapshot s = snapshots.take(model, iteration, epoch, Long.MAX_VALUE);
        flush();
        return java.util.Optional.ofNullable(s);
    }

    /** The trajectory so far, for a snapshot; null once the run is ending. */
    private synchronized RunSnapshots.Trajectory trajectory() {
        if (ended || ending) {
            return null;
        }
        List<INDArray> path = new java.util.ArrayList<>();
        List<Long> iterations = new java.util.ArrayList<>();
        if (initialParams != null) {
            path.add(initialParams);
            iterations.add(initialIteration);
        }
        for (CheckpointKeeper.Kept k : keeper.kept()) {
            path.add(k.params());
            iterations.add(k.iteration());
        }
        return new RunSnapshots.Trajectory(path, iterations.stream().mapToLong(Long::longValue).toArray(),
                initialParams);
    }

    /** Writes a snapshot's record unless the run ended while it was computed. */
    private synchronized boolean writeSnapshot(String json) {
        if (ended || ending) {
            return false;
        }
        writer.writeRecord(RecordTypes.SNAPSHOT, json);
        return true;
    }

    /** Number of snapshots taken. */
    public int snapshots() {
        return snapshots.count();
    }

    /** At an epoch end: refresh the final checkpoint and commit. */
    public void epochEnd(Model model) {
        boolean snapshotDue;
        boolean commitDue;
        synchronized (this) {
            if (ended) {
                return;
            }
            liveParams = model.params();
            // programs with tiny epochs (a few iterations each) would otherwise wait for a commit and rewrite the
            // final checkpoint every few milliseconds: at most once per commitMillis, as for the scalars
            long now = System.nanoTime();
            commitDue = lastEpochCommitNanos == 0 || now - lastEpochCommitNanos >= config.commitMillis() * 1_000_000L;
            if (commitDue) {
                lastEpochCommitNanos = now;
                writeFinal(model.params());
            }
            snapshotDue = snapshots.dueAtEpochEnd();
        }
        if (snapshotDue) {
            snapshots.take(model, lastIteration, lastEpoch, snapshots.limitNanos());
        }
        if (commitDue) {
            flush();
        }
    }

    /** The kept periodic checkpoints (in memory), oldest first; empty once the run has ended. */
    public synchronized List<CheckpointKeeper.Kept> checkpoints() {
        return keeper == null ? List.of() : keeper.kept();
    }

    /** Waits until everything recorded so far is committed. */
    public synchronized void flush() {
        if (!ended) {
            writer.flush();
        }
    }

    private void writeFinal(INDArray params) {
        writer.dropCheckpoint(FINAL_KEY);
        writer.writeCheckpoint(FINAL_KEY, lastIteration, lastEpoch, Checkpoint.Kind.FINAL, params.dup());
    }

    /** Ends the run as closed by its owner (see {@link #end(End)}). Idempotent. */
    @Override
    public void close() {
        end(End.CLOSED);
    }

    /**
     * Ends the run: on {@link End#CLOSED} outside JVM shutdown, first the final snapshot when the schedule allows it
     * (the budget counts it); then the final checkpoint (from the model, or from its parameter buffer once it is
     * gone), a commit, and the writer thread stops. Never takes a snapshot during JVM shutdown. Idempotent; never
     * throws.
     */
    public void end(End how) {
        boolean exiting = how == End.JVM_EXIT || (how == End.CLOSED && ShutdownOrder.shuttingDown());
        if (how == End.CLOSED && !exiting) {
            Model m = model.get();
            long iteration;
            int epoch;
            boolean started;
            synchronized (this) {
                iteration = lastIteration;
                epoch = lastEpoch;
                started = initialTaken && !ended;
            }
            if (m != null && started) {
                snapshots.takeFinal(m, iteration, epoch); // the point training ended at
            }
        }
        boolean inProgress = snapshots.inProgress();
        ending = true;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            guard.run("the end of the run (" + how + ")", () -> {
                Model m = model.get();
                INDArray params = m != null ? m.params() : liveParams;
                if (initialTaken && params != null) {
                    writeFinal(params);
                }
            });
            if (exiting && (inProgress || snapshots.finalWanted(lastIteration))
                    && EXIT_LOGGED.compareAndSet(false, true)) {
                LOG.info("landscape4j: JVM exit: no final snapshot{} (none is taken in a shutdown hook; close the"
                        + " listener after training for one); scalars and checkpoints are committed",
                        inProgress ? ", the one in progress abandoned" : "");
            }
            snapshots.ended(lastIteration);
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

    /** Drops what the run kept for snapshots and checkpoints; a run that ended holds only its metadata. */
    private void release() {
        snapshots.release();
        keeper = null;
        initialParams = null;
        liveParams = null;
        gradientByTensor = null;
        spare.clear();
    }
}
