package io.github.landscape4j.listener.internal;

import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.internal.Json;
import io.github.landscape4j.store.internal.RecordTypes;
import io.github.landscape4j.store.internal.StoreWriter;
import io.github.landscape4j.trajectory.internal.CheckpointKeeper;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.surface.internal.Probe;
import io.github.landscape4j.surface.internal.ProbeCollector;
import io.github.landscape4j.store.internal.IterationRow;
import io.github.landscape4j.trajectory.internal.NormRecorder;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Internal: records one model's run: run metadata once, scalars at the configured cadence, checkpoints with
 * thinning. Runs on the training thread except the writes, which its {@link StoreWriter} does on its own thread.
 */
public final class RunRecorder implements AutoCloseable {
    private static final long INITIAL_KEY = -2;
    private static final long FINAL_KEY = -1;
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final LandscapeConfig config;
    private final String runId;
    private final Supplier<RunInfo> info;
    private final FaultGuard guard;
    private final StoreWriter writer;
    private final NormRecorder norms;
    private final int tensorCount;
    private final CheckpointKeeper keeper;
    /** Copies of thinned checkpoints, handed back by the writer once written, reused for new ones. */
    private final java.util.Queue<INDArray> spare = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final long startNanos = System.nanoTime();
    private Model lastModel;
    private int lastEpoch;
    private long lastIteration;
    private boolean initialTaken;
    private long initialIteration;
    private double gradientNorm;
    private boolean gradientSeen;
    private double[] gradientByTensor;

    private final SnapshotSchedule schedule;
    private final SnapshotTaker taker;
    private final FaultGuard snapshotGuard;
    private final ProbeCollector collector;
    private Probe trainProbe;
    private final Probe validationProbe;
    private INDArray initialParams;
    private int snapshotIndex;
    private long lastSnapshotIteration = Long.MIN_VALUE;

    public RunRecorder(Model model, LandscapeConfig config, StatsStorageRouter router, Probe trainProbe,
                       Probe validationProbe) {
        this.config = config;
        List<ParameterTensor> tensors = Models.tensors(model);
        Instant start = Instant.now();
        String runId = config.runName() + "-" + ID_TIME.format(start) + "-"
                + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
        String workerId = "pid" + ProcessHandle.current().pid();
        Supplier<String> configJson = Models.configJsonLater(model);
        String kind = Models.kind(model);
        long numParams = model.numParams();
        this.runId = runId;
        this.info = memoize(() -> new RunInfo(runId, workerId, config.runName(), config.tags(), config.seed(), start,
                kind, configJson.get(), numParams, tensors, config.asOptions(), Versions.all(),
                RecordTypes.SCHEMA_VERSION));
        this.guard = new FaultGuard(runId);
        this.keeper = new CheckpointKeeper(config.checkpointEvery(), config.maxCheckpoints());
        this.writer = new StoreWriter(router, runId, workerId, config.perTensor()
                ? tensors.stream().map(ParameterTensor::name).toList() : List.of(),
                config.commitEvery(), config.commitMillis(), t -> guard.trip("the store writer", t));
        writer.writeRunInfo(() -> Json.GSON.toJson(info.get())); // made on the writer thread
        this.norms = new NormRecorder(tensors);
        this.tensorCount = tensors.size();
        this.schedule = SnapshotSchedule.parse(config.snapshots().schedule());
        this.taker = new SnapshotTaker(config.snapshots(), config.seed(), tensors);
        this.snapshotGuard = new FaultGuard(runId, "snapshots");
        this.trainProbe = trainProbe;
        this.validationProbe = validationProbe;
        this.collector = trainProbe == null && config.snapshots().enabled()
                ? new ProbeCollector(config.snapshots().probeSize()) : null;
    }

    /** The run's metadata (made on first use: its configuration JSON is the costly part). */
    public RunInfo info() {
        return info.get();
    }

    private static <T> Supplier<T> memoize(Supplier<T> make) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = make.get();
                }
                return value;
            }
        };
    }

    public FaultGuard guard() {
        return guard;
    }

    /** Before the first update: the initial checkpoint. */
    public void start(Model model) {
        lastModel = model;
        if (!initialTaken) {
            initialTaken = true;
            long iteration = Models.iterationCount(model);
            initialParams = model.params().dup();
            initialIteration = iteration;
            writer.writeCheckpoint(INITIAL_KEY, iteration, lastEpoch, Checkpoint.Kind.INITIAL, initialParams);
        }
    }

    /** In {@code onGradientCalculation}: the raw gradient, before the updater overwrites the buffer. */
    public void gradient(Model model) {
        start(model);
        if (collector != null && !collector.complete()) {
            collector.offer(model);
            if (collector.complete()) {
                trainProbe = collector.probe();
            }
        }
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
        lastModel = model;
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
        if (trainProbe != null && schedule.dueAtIteration(iteration, System.nanoTime())) {
            snapshot(model, iteration, epoch);
        }
    }

    /**
     * Takes a snapshot of {@code model} as it is now, whatever the schedule, and waits until it is committed. Empty
     * when there is no probe yet or snapshots have stopped after a fault.
     */
    public java.util.Optional<Snapshot> snapshotNow(Model model) {
        lastModel = model;
        Snapshot s = snapshot(model, lastIteration, lastEpoch);
        flush();
        return java.util.Optional.ofNullable(s);
    }

    /** Takes a snapshot now; a failure is logged once and stops snapshots, not recording. Null when none was taken. */
    private Snapshot snapshot(Model model, long iteration, int epoch) {
        if (trainProbe == null || snapshotGuard.tripped()) {
            return null;
        }
        Snapshot[] taken = new Snapshot[1];
        snapshotGuard.run("snapshot " + snapshotIndex + " at iteration " + iteration, () -> {
            long t0 = System.nanoTime();
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
            Snapshot s = taker.take(model, runId, snapshotIndex, iteration, epoch,
                    (t0 - startNanos) / 1_000_000L, trainProbe, validationProbe, path,
                    iterations.stream().mapToLong(Long::longValue).toArray(), initialParams);
            writer.writeRecord(RecordTypes.SNAPSHOT, Json.GSON.toJson(s));
            snapshotIndex++;
            lastSnapshotIteration = iteration;
            long end = System.nanoTime();
            schedule.taken(end - t0, end);
            taken[0] = s;
        });
        return taken[0];
    }

    /** Number of snapshots taken. */
    public int snapshots() {
        return snapshotIndex;
    }

    /** At an epoch end: refresh the final checkpoint and commit. */
    public void epochEnd(Model model) {
        lastModel = model;
        writeFinal(model);
        if (schedule.dueAtEpochEnd()) {
            snapshot(model, lastIteration, lastEpoch);
        }
        flush();
    }

    /** The kept periodic checkpoints (in memory), oldest first. */
    public List<CheckpointKeeper.Kept> checkpoints() {
        return keeper.kept();
    }

    /** Waits until everything recorded so far is committed. */
    public void flush() {
        writer.flush();
    }

    private void writeFinal(Model model) {
        writer.dropCheckpoint(FINAL_KEY);
        writer.writeCheckpoint(FINAL_KEY, lastIteration, lastEpoch, Checkpoint.Kind.FINAL, model.params().dup());
    }

    /** Writes the final checkpoint from the last model seen, commits and stops the writer. Idempotent. */
    @Override
    public void close() {
        guard.run("close", () -> {
            if (lastModel != null) {
                writeFinal(lastModel);
                if (schedule.kind() != SnapshotSchedule.Kind.OFF && lastSnapshotIteration != lastIteration) {
                    snapshot(lastModel, lastIteration, lastEpoch); // the point training ended at
                }
            }
        });
        writer.close();
    }
}
