package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.Checkpoint;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Internal: writes one run's records to a DL4J {@link StatsStorageRouter} on its own daemon thread, so the training
 * thread only hands over values. Scalar rows are batched into one record per commit: a batch is written when it
 * holds {@code commitEvery} rows or, at the next row, is {@code commitMillis} old, so a crash loses at most that
 * much. Records queued together go into one commit with the run's manifest; checkpoints (and their removals) wait
 * for the next commit, at most {@code commitMillis}, as they need not be seen at once (a commit costs the writer
 * ~2-4 ms of CPU on a small VM, CPU that training, on 2 cores, gives up). Update records are keyed by their 0-based number within the run and
 * type (so a snapshot's key is its index). Any failure, including the store file being deleted or replaced under
 * the writer, is handed to {@code onFault} once and the writer stops writing (later calls are ignored).
 * {@link #close()} never throws and waits at most {@link #CLOSE_TIMEOUT_SECONDS}.
 */
public final class StoreWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    /** How long {@link #flush()} and {@link #close()} wait for the writer thread (a hung disk, a huge backlog). */
    static final long CLOSE_TIMEOUT_SECONDS = 60;
    /**
     * Writes in one commit at most, when the queue does not empty; and the disk space it may need at most: a quarter
     * of the disk's free space at the group's start, within these bounds (a commit costs ~5 ms of the writer's CPU
     * whatever it holds, so groups of a few checkpoints halve it; a nearly full disk keeps what fits).
     */
    static final int MAX_GROUP = 256;
    static final long MIN_GROUP_SPACE = 3L << 20;
    static final long MAX_GROUP_SPACE = 24L << 20;

    private sealed interface Command permits RunInfo, Rows, Put, Drop, Release, Flush, Stop, Progress { }
    private record RunInfo(Supplier<String> json, long timestamp) implements Command { }
    private record Rows(List<IterationRow> rows) implements Command { }
    /** {@code json} is a JSON string or a record that Gson writes on the writer thread. */
    private record Put(String typeId, Object json, INDArray floats, Long checkpointKey) implements Command { }
    private record Drop(long checkpointKey) implements Command { }
    private record Release(INDArray array, Consumer<INDArray> to) implements Command { }
    private record Flush(CountDownLatch done) implements Command { }
    /** The run's progress record, over the previous one under key 0; {@code json} as {@link Put}'s. */
    private record Progress(Object json) implements Command { }
    private record Stop(CountDownLatch done) implements Command { }
    /** A checkpoint record to remove at the next commit. */
    private record Removal(String typeId, long key) { }

    /** Written on the writer thread only (a {@link DeferredRouter} is resolved there, at the first command). */
    private StatsStorageRouter router;
    private final String sessionId;
    private final String workerId;
    /** Numbers the run's records (writer thread only). */
    private final RecordNumbering records;
    private final int commitEvery;
    private final long commitMillis;
    private final Consumer<Throwable> onFault;
    private final int nice;
    private final WriterQueue<Command> queue = new WriterQueue<>();
    private final Thread thread;
    private List<IterationRow> batch = new ArrayList<>();
    private long batchStartNanos;
    /** Records ({@link LandscapeRecord}) and removals ({@link Removal}) waiting for the next commit, in order. */
    private final List<Object> pending = new ArrayList<>();
    private long pendingSinceNanos;
    private long pendingBytes;
    private long groupSpace = MIN_GROUP_SPACE;
    /** Whether a write that is not to wait (scalars, a snapshot, progress) is pending. */
    private boolean commitDue;
    private volatile boolean failed;
    private volatile boolean stopped;

    public StoreWriter(StatsStorageRouter router, String sessionId, String workerId, List<String> tensorNames,
                       int commitEvery, long commitMillis, int nice, Consumer<Throwable> onFault) {
        this.nice = nice;
        this.router = router;
        this.sessionId = sessionId;
        this.workerId = workerId;
        this.records = new RecordNumbering(sessionId, workerId, tensorNames);
        this.commitEvery = commitEvery;
        this.commitMillis = commitMillis;
        this.onFault = onFault;
        this.thread = new Thread(this::loop, "landscape4j-writer-" + sessionId);
        this.thread.setDaemon(true);
        this.queue.consumer(thread);
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

    /**
     * Hands the rows batched so far to the writer thread without waiting: they are committed after every command
     * queued before them and before every one queued after. Call from the thread that adds rows.
     */
    public void commitQueued() {
        handOver();
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
     * manifest lists its sequence, not a count. {@code json} is a JSON string or a record that Gson writes on the
     * writer thread: the training thread need not load Gson (while the writer thread loads it, that would wait).
     */
    public void writeProgress(Object json) {
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
        // a commit due (a batch of rows handed over), a flush or a stop wakes the writer; others wait for its look
        queue.add(c, c instanceof Rows || c instanceof Flush || c instanceof Stop);
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
        ThreadNice.lower(nice, sessionId);
        while (true) {
            Command c;
            try {
                c = next();
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (c == null) {
                    commit(); // the oldest write waiting for a commit is commitMillis old
                } else if (failed) {
                    release(c);
                } else {
                    handle(c);
                    if (commitDue && queue.isEmpty() || overdue()) {
                        commit(); // what was queued together is committed together
                    }
                }
            } catch (Throwable t) {
                failed = true;
                pending.clear();
                try {
                    onFault.accept(t); // said before a waiting flush or close returns
                } finally {
                    release(c);
                }
            }
            if (c instanceof Stop) {
                return;
            }
        }
    }

    /** The next command; null when writes wait for a commit and {@code commitMillis} passed since the first. */
    private Command next() throws InterruptedException {
        if (pending.isEmpty() || failed) {
            return queue.take();
        }
        long wait = pendingSinceNanos + commitMillis * 1_000_000L - System.nanoTime();
        return queue.poll(Math.max(0, wait));
    }

    private void handle(Command c) {
        if (router instanceof DeferredRouter deferred) {
            router = deferred.resolve();
        }
        if (c instanceof RunInfo i) {
            commit();
            checkFile();
            router.putStaticInfo(records.runInfo(i.timestamp(), i.json().get()));
            commitDue = true; // with the manifest
        } else if (c instanceof Rows r) {
            pend(records.scalars(r.rows()), true);
        } else if (c instanceof Put p) {
            LandscapeRecord r = records.put(p.typeId(), RecordNumbering.json(p.json()),
                    p.floats() == null ? null : RecordNumbering.floats(p.floats()), p.checkpointKey());
            pend(r, p.checkpointKey() == null); // a checkpoint waits for the next commit, up to commitMillis
        } else if (c instanceof Drop d) {
            Long ts = records.drop(d.checkpointKey(), router instanceof LandscapeFileStatsStorage);
            if (ts != null) {
                pend(new Removal(RecordTypes.CHECKPOINT, ts), false);
            }
        } else if (c instanceof Release r) {
            r.to().accept(r.array()); // the writes before it have read their arrays already
        } else if (c instanceof Progress p) {
            pend(records.progress(RecordNumbering.json(p.json())), true);
        } else if (c instanceof Flush f) {
            commit();
            f.done().countDown();
        } else if (c instanceof Stop s) {
            commit();
            s.done().countDown();
        }
    }

    /**
     * Whether the pending writes must be committed although more commands are queued: the oldest is {@code
     * commitMillis} old, or there are {@link #MAX_GROUP}, or they may need {@link #groupSpace} on disk (a queue
     * that never empties still commits; a writer behind training makes no commit a nearly full disk refuses whole).
     */
    private boolean overdue() {
        return !pending.isEmpty() && (pending.size() >= MAX_GROUP
                || LandscapeFileStatsStorage.spaceNeeded(pendingBytes, pending.size()) >= groupSpace
                || System.nanoTime() - pendingSinceNanos >= commitMillis * 1_000_000L);
    }

    /** The space a group may need on a disk with {@code usable} bytes free (-1: unknown). */
    static long groupSpace(long usable) {
        return usable < 0 ? MIN_GROUP_SPACE : Math.max(MIN_GROUP_SPACE, Math.min(MAX_GROUP_SPACE, usable / 4));
    }

    /** A write that waits for the next commit; {@code now}: that commit is due once the queue is empty. */
    private void pend(Object write, boolean now) {
        if (pending.isEmpty()) {
            pendingSinceNanos = System.nanoTime();
            pendingBytes = 0;
            groupSpace = groupSpace(router instanceof LandscapeFileStatsStorage f ? f.usableSpace() : -1);
        }
        pendingBytes += write instanceof LandscapeRecord r ? r.sizeBound() : 0;
        pending.add(write);
        commitDue |= now;
    }

    /**
     * Writes what is pending and the manifest after it in one MapDB commit (one for the whole group, where each
     * record and each manifest used to take its own: a commit costs ~2-4 ms of the writer's CPU on a small VM, taken
     * from training). Other writers of the store commit before or after the group, never inside it, and a reader in
     * this JVM sees all of it or nothing.
     */
    private void commit() {
        boolean due = commitDue;
        commitDue = false;
        if (pending.isEmpty() && !due) {
            return;
        }
        List<Object> writes = new ArrayList<>(pending);
        pending.clear();
        checkFile();
        if (router instanceof LandscapeFileStatsStorage file) {
            file.exclusive(() -> {
                for (Object w : writes) {
                    if (w instanceof Removal r) {
                        file.removeUpdate(sessionId, r.typeId(), workerId, r.key());
                    } else {
                        file.putUpdateUncommitted((LandscapeRecord) w);
                    }
                }
                file.putUpdate(records.manifest()); // commits the group
            });
        } else {
            for (Object w : writes) {
                if (w instanceof LandscapeRecord r) {
                    router.putUpdate(r);
                }
            }
            router.putUpdate(records.manifest());
        }
    }

    private void checkFile() {
        if (router instanceof LandscapeFileStatsStorage file) {
            file.checkFile(); // MapDB would write on into a deleted file without a word
        }
    }

    /** Lets go of a command the failed writer will not do; a checkpoint's array is the caller's, never closed here. */
    private void release(Command c) { // null: nothing (instanceof is false)
        if (c instanceof Release r) {
            r.to().accept(r.array());
        } else if (c instanceof Flush f) {
            f.done().countDown();
        } else if (c instanceof Stop s) {
            s.done().countDown();
        }
    }

    /** JSON header of a checkpoint record; the parameters are the record's float blob. */
    public record CheckpointHeader(long iteration, int epoch, String kind) {
    }
}
