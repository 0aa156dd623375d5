package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.ScalarSeries;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Internal: writes one run's records to a DL4J {@link StatsStorageRouter} on its own daemon thread, so the training
 * thread only hands over values. Scalar rows are batched into one record per commit: a batch is written when it
 * holds {@code commitEvery} rows or, at the next row, is {@code commitMillis} old, so a crash loses at most that
 * much. Checkpoints are written as they come. Update records are keyed by their 0-based number within the run and
 * type (so a snapshot's key is its index). Any failure, including the store file being deleted or replaced under
 * the writer, is handed to {@code onFault} once and the writer stops writing (later calls are ignored).
 * {@link #close()} never throws and waits at most {@link #CLOSE_TIMEOUT_SECONDS}.
 */
public final class StoreWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    /** How long {@link #flush()} and {@link #close()} wait for the writer thread (a hung disk, a huge backlog). */
    static final long CLOSE_TIMEOUT_SECONDS = 60;

    private sealed interface Command permits RunInfo, Rows, Put, Drop, Release, Flush, Stop, Progress {
    }

    private record RunInfo(Supplier<String> json, long timestamp) implements Command {
    }

    private record Rows(List<IterationRow> rows) implements Command {
    }

    /** {@code json} is a JSON string or a record that Gson writes on the writer thread. */
    private record Put(String typeId, Object json, INDArray floats, Long checkpointKey) implements Command {
    }

    private record Drop(long checkpointKey) implements Command {
    }

    private record Release(INDArray array, Consumer<INDArray> to) implements Command {
    }

    private record Flush(CountDownLatch done) implements Command {
    }

    /** The run's progress record (JSON), written under key 0 over the previous one. */
    private record Progress(String json) implements Command {
    }

    private record Stop(CountDownLatch done) implements Command {
    }

    /** Written on the writer thread only (a {@link DeferredRouter} is resolved there, at the first command). */
    private StatsStorageRouter router;
    private final String sessionId;
    private final String workerId;
    private final List<String> tensorNames;
    private final int commitEvery;
    private final long commitMillis;
    private final Consumer<Throwable> onFault;
    private final BlockingQueue<Command> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private List<IterationRow> batch = new ArrayList<>();
    private long batchStartNanos;
    private final Map<String, Long> nextKeys = new HashMap<>();
    private final Map<Long, Long> checkpointTimestamps = new HashMap<>();
    /** The number of the last record written (writer thread only); see {@link LandscapeRecord#sequence()}. */
    private long sequence;
    /** The sequence of each checkpoint in the store, by key, and of the progress record: listed in the manifest. */
    private final SortedMap<Long, Long> checkpointSequences = new TreeMap<>();
    private final SortedMap<Long, Long> progressSequence = new TreeMap<>();
    private volatile boolean failed;
    private volatile boolean stopped;

    public StoreWriter(StatsStorageRouter router, String sessionId, String workerId, List<String> tensorNames,
                       int commitEvery, long commitMillis, Consumer<Throwable> onFault) {
        this.router = router;
        this.sessionId = sessionId;
        this.workerId = workerId;
        this.tensorNames = List.copyOf(tensorNames);
        this.commitEvery = commitEvery;
        this.commitMillis = commitMillis;
        this.onFault = onFault;
        this.thread = new Thread(this::loop, "landscape4j-writer-" + sessionId);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues the run's static info (its metadata, made on the writer thread), first of the run's records. */
    public void writeRunInfo(Supplier<String> json) {
        offer(new RunInfo(json, System.currentTimeMillis()));
    }

    /**
     * Adds a row to the current batch, which is handed to the writer thread (and committed) when it holds
     * {@code commitEvery} rows or is {@code commitMillis} old. Rows are batched on the caller's thread so that the
     * writer thread wakes once per commit, not once per iteration. Call from one thread only.
     */
    public void addRow(IterationRow row) {
        if (batch.isEmpty()) {
            batchStartNanos = System.nanoTime();
        }
        batch.add(row);
        if (batch.size() >= commitEvery || System.nanoTime() - batchStartNanos >= commitMillis * 1_000_000L) {
            handOver();
        }
    }

    private void handOver() {
        if (!batch.isEmpty()) {
            offer(new Rows(batch));
            batch = new ArrayList<>();
        }
    }

    /**
     * Queues a checkpoint. {@code params} must be a private copy that nobody writes to until it is written (see
     * {@link #release}).
     * {@code key} identifies it for a later {@link #dropCheckpoint(long)}.
     */
    public void writeCheckpoint(long key, long iteration, int epoch, Checkpoint.Kind kind, INDArray params) {
        offer(new Put(RecordTypes.CHECKPOINT, new CheckpointHeader(iteration, epoch, kind.name()), params, key));
    }

    /** Removes a checkpoint written with {@code key}, when the store supports removal (file stores do). */
    public void dropCheckpoint(long key) {
        offer(new Drop(key));
    }

    /**
     * Hands {@code array} to {@code to} once every command queued before this one has been written, so an array
     * passed to {@link #writeCheckpoint} can be recycled without racing its serialization.
     */
    public void release(INDArray array, Consumer<INDArray> to) {
        offer(new Release(array, to));
    }

    /**
     * Runs {@code task} on the writer thread once every command queued before it has been written (work the
     * training thread should not wait for, e.g. allocating a buffer it will fill later).
     */
    public void runAfterQueued(Runnable task) {
        offer(new Release(null, ignored -> task.run()));
    }

    /** Queues any other record (e.g. a snapshot) as JSON. */
    public void writeRecord(String typeId, String json) {
        offer(new Put(typeId, json, null, null));
    }

    /**
     * Queues the run's progress record (see {@link RecordTypes#PROGRESS}), which replaces the one before; the
     * manifest lists its sequence, not a count.
     */
    public void writeProgress(String json) {
        offer(new Progress(json));
    }

    /**
     * Writes everything queued so far and returns when it is committed, the writer has failed, or
     * {@link #CLOSE_TIMEOUT_SECONDS} have passed.
     */
    public void flush() {
        handOver();
        CountDownLatch done = new CountDownLatch(1);
        if (offer(new Flush(done))) {
            await(done);
        }
    }

    /** Whether the writer has stopped after a failure. */
    public boolean failed() {
        return failed;
    }


    /**
     * Flushes and stops the thread. Never throws; when the thread does not finish in time (e.g. a disk that hangs)
     * it is logged once and left to end on its own (it is a daemon). Idempotent.
     */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        try {
            handOver();
            CountDownLatch done = new CountDownLatch(1);
            if (offer(new Stop(done)) && !await(done)) {
                LOG.warn("landscape4j: the store writer of run {} did not finish within {} s; the records still"
                        + " queued are dropped", sessionId, CLOSE_TIMEOUT_SECONDS);
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("landscape4j: closing the store writer of run {} failed ({})", sessionId, e.toString());
        } finally {
            stopped = true;
        }
    }

    private boolean offer(Command c) {
        // after a failure only Stop is let in: it ends the thread, which otherwise would wait for work forever
        if ((failed && !(c instanceof Stop)) || stopped || !thread.isAlive()) {
            return false;
        }
        queue.add(c);
        return true;
    }

    /** Whether the command was done in time. */
    private static boolean await(CountDownLatch done) {
        try {
            return done.await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void loop() {
        while (true) {
            Command c;
            try {
                c = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (failed) {
                    release(c);
                } else {
                    handle(c);
                }
            } catch (Throwable t) {
                failed = true;
                release(c);
                onFault.accept(t);
            }
            if (c instanceof Stop) {
                return;
            }
        }
    }

    private void handle(Command c) {
        if (router instanceof DeferredRouter deferred) {
            router = deferred.resolve();
        }
        if (router instanceof LandscapeFileStatsStorage file && !(c instanceof Release)) {
            file.checkFile(); // MapDB would write on into a deleted file without a word
        }
        if (c instanceof RunInfo i) {
            router.putStaticInfo(record(RecordTypes.RUN, i.timestamp(), i.json().get(), null));
            putManifest();
        } else if (c instanceof Rows r) {
            writeBatch(r.rows());
        } else if (c instanceof Put p) {
            float[] floats = p.floats() == null ? null : p.floats().toFloatVector();
            long ts = nextKey(p.typeId());
            String json = p.json() instanceof String text ? text : Json.GSON.toJson(p.json());
            router.putUpdate(record(p.typeId(), ts, json, floats));
            if (p.checkpointKey() != null) {
                checkpointTimestamps.put(p.checkpointKey(), ts);
                checkpointSequences.put(ts, sequence);
            }
            putManifest();
        } else if (c instanceof Drop d) {
            Long ts = checkpointTimestamps.remove(d.checkpointKey());
            if (ts != null && router instanceof LandscapeFileStatsStorage file) {
                file.exclusive(() -> { // no other writer commits the removal before the manifest without it
                    file.removeUpdate(sessionId, RecordTypes.CHECKPOINT, workerId, ts);
                    checkpointSequences.remove(ts);
                    putManifest();
                });
            }
        } else if (c instanceof Release r) {
            r.to().accept(r.array());
        } else if (c instanceof Progress p) {
            router.putUpdate(record(RecordTypes.PROGRESS, 0L, p.json(), null));
            progressSequence.put(0L, sequence);
            putManifest();
        } else if (c instanceof Flush f) {
            f.done().countDown();
        } else if (c instanceof Stop s) {
            s.done().countDown();
        }
    }

    private void release(Command c) {
        if (c instanceof Put p && p.floats() != null && !p.floats().wasClosed()) {
            p.floats().close();
        } else if (c instanceof Release r) {
            r.to().accept(r.array());
        } else if (c instanceof Flush f) {
            f.done().countDown();
        } else if (c instanceof Stop s) {
            s.done().countDown();
        }
    }

    private void writeBatch(List<IterationRow> rows) {
        ScalarSeries series = toSeries(rows);
        router.putUpdate(record(RecordTypes.SCALARS, nextKey(RecordTypes.SCALARS), Json.GSON.toJson(series), null));
        putManifest();
    }

    /** The next record of the run's sequence. */
    private LandscapeRecord record(String typeId, long key, String json, float[] floats) {
        return new LandscapeRecord(sessionId, typeId, workerId, key, ++sequence, json, floats);
    }

    /**
     * Rewrites the run's {@link Manifest} after each record, so a reader that reads the manifest first never sees
     * it ahead of the records: counts of the numbered kinds that are never removed, and the sequence of each record
     * that is rewritten (progress) or removed (checkpoints).
     */
    private void putManifest() {
        Map<String, Long> counts = new HashMap<>(nextKeys);
        counts.remove(RecordTypes.CHECKPOINT); // thinning removes checkpoints: their keys have gaps
        router.putUpdate(record(RecordTypes.MANIFEST, 0L, Manifest.json(counts, Map.of(RecordTypes.CHECKPOINT,
                checkpointSequences, RecordTypes.PROGRESS, progressSequence)), null));
    }

    /**
     * DL4J's storage keys update records by their "timestamp": landscape4j puts the record's 0-based number within
     * the run and type there, so readers find snapshot {@code i} under key {@code i} and a missing key is a gap.
     */
    private long nextKey(String typeId) {
        long key = nextKeys.getOrDefault(typeId, 0L);
        nextKeys.put(typeId, key + 1);
        return key;
    }

    private ScalarSeries toSeries(List<IterationRow> rows) {
        int n = rows.size();
        long[] it = new long[n];
        int[] ep = new int[n];
        long[] wall = new long[n];
        double[] score = new double[n];
        double[] lr = new double[n];
        double[] g = new double[n];
        double[] u = new double[n];
        double[] w = new double[n];
        Map<String, double[]> gt = new LinkedHashMap<>();
        Map<String, double[]> ut = new LinkedHashMap<>();
        Map<String, double[]> wt = new LinkedHashMap<>();
        for (String name : tensorNames) {
            gt.put(name, new double[n]);
            ut.put(name, new double[n]);
            wt.put(name, new double[n]);
        }
        for (int i = 0; i < n; i++) {
            IterationRow r = rows.get(i);
            it[i] = r.iteration();
            ep[i] = r.epoch();
            wall[i] = r.wallMillis();
            score[i] = r.score();
            lr[i] = r.learningRate();
            g[i] = r.gradientNorm();
            u[i] = r.updateNorm();
            w[i] = r.weightNorm();
            for (int k = 0; k < tensorNames.size(); k++) {
                String name = tensorNames.get(k);
                gt.get(name)[i] = valueAt(r.gradientNormByTensor(), k);
                ut.get(name)[i] = valueAt(r.updateNormByTensor(), k);
                wt.get(name)[i] = valueAt(r.weightNormByTensor(), k);
            }
        }
        return new ScalarSeries(it, ep, wall, score, lr, g, u, w, gt, ut, wt);
    }

    private static double valueAt(double[] values, int k) {
        return values == null || k >= values.length ? Double.NaN : values[k];
    }

    /** JSON header of a checkpoint record; the parameters are the record's float blob. */
    public record CheckpointHeader(long iteration, int epoch, String kind) {
    }
}
