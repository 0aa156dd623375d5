package io.github.landscape4j.store;

import io.github.landscape4j.store.internal.Json;
import io.github.landscape4j.store.internal.LandscapeFileStatsStorage;
import io.github.landscape4j.store.internal.LandscapeRecord;
import io.github.landscape4j.store.internal.MapDbShutdown;
import io.github.landscape4j.store.internal.ShutdownOrder;
import io.github.landscape4j.store.internal.RecordTypes;
import io.github.landscape4j.store.internal.StoreWriter;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A run store: landscape4j's records kept in a DL4J {@link StatsStorage}, by default a MapDB file with a
 * write-ahead log ({@code FileStatsStorage}). Each recorded model is one run (a DL4J session); the same file can
 * also hold DL4J {@code StatsListener} sessions, which this reader skips.
 *
 * <p>Reading works while a listener writes to the same store in the same JVM, and on a file copied from a
 * finished run. A MapDB file can be open in one process at a time.
 *
 * <p>Thread-safe. {@link #close()} commits and is idempotent; a store made with {@link #of(StatsStorage)} does not
 * close the storage it was given.
 */
public final class LandscapeStore implements AutoCloseable {

    private final StatsStorage storage;
    private final String description;
    private final boolean owned;
    private volatile boolean closed;

    private LandscapeStore(StatsStorage storage, String description, boolean owned) {
        this.storage = storage;
        this.description = description;
        this.owned = owned;
    }

    /**
     * Opens a store file for writing and reading, creating it (and its parent directories) when it does not exist.
     *
     * @throws StoreException naming the file when it cannot be created or written, or is not a store
     */
    public static LandscapeStore open(Path file) {
        Path abs = file.toAbsolutePath();
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
        } catch (IOException | RuntimeException e) {
            throw new StoreException("cannot create the directory of store file " + abs + ": " + e, e);
        }
        if (Files.exists(abs) ? !Files.isWritable(abs) : !Files.isWritable(abs.getParent())) {
            throw new StoreException("store file " + abs + " is not writable");
        }
        return owned(new LandscapeStore(openStorage(abs), abs.toString(), true));
    }

    /** A store this class opened: closed at JVM exit after the listeners, not by MapDB's own hook. */
    private static LandscapeStore owned(LandscapeStore store) {
        MapDbShutdown.disarm(store.storage);
        ShutdownOrder.closeAfterWriters(store);
        return store;
    }

    /**
     * Opens an existing store file, e.g. one copied from a finished run.
     *
     * @throws StoreException naming the file when it does not exist, cannot be read, or is not a store
     */
    public static LandscapeStore openExisting(Path file) {
        Path abs = file.toAbsolutePath();
        if (!Files.isRegularFile(abs)) {
            throw new StoreException("store file " + abs + " does not exist");
        }
        if (!Files.isReadable(abs)) {
            throw new StoreException("store file " + abs + " is not readable");
        }
        LandscapeStore store = owned(new LandscapeStore(openStorage(abs), abs.toString(), true));
        try {
            store.listRuns(); // decode every run header now: a corrupt or newer file fails here, not later
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** Wraps a storage the caller owns (e.g. {@code InMemoryStatsStorage}); {@link #close()} leaves it open. */
    public static LandscapeStore of(StatsStorage storage) {
        return new LandscapeStore(storage, storage.getClass().getSimpleName() + "@"
                + Integer.toHexString(System.identityHashCode(storage)), false);
    }

    private static StatsStorage openStorage(Path abs) {
        if (Files.isRegularFile(abs)) {
            try {
                if (Files.size(abs) == 0) {
                    throw new StoreException("store file " + abs + " is empty: not a landscape4j store");
                }
            } catch (IOException e) {
                throw new StoreException("cannot read store file " + abs + ": " + e, e);
            }
        }
        try {
            return new LandscapeFileStatsStorage(abs.toFile());
        } catch (RuntimeException | Error e) {
            throw new StoreException("cannot open store file " + abs + ": it is not a landscape4j/DL4J MapDB store,"
                    + " is corrupt, or is open in another process (" + e + ")", e);
        }
    }

    /** The DL4J storage underneath, e.g. to attach DL4J's own {@code StatsListener} or {@code UIServer} to it. */
    public StatsStorage statsStorage() {
        return storage;
    }

    /** The file (or storage) this store reads, for messages. */
    public String description() {
        return description;
    }

    /** All landscape4j runs in the store, oldest first. */
    public List<RunInfo> listRuns() {
        List<RunInfo> runs = new ArrayList<>();
        for (String session : storage.listSessionIDs()) {
            for (Persistable p : storage.getAllStaticInfos(session, RecordTypes.RUN)) {
                runs.add(Json.GSON.fromJson(checked(p).json(), RunInfo.class));
            }
        }
        runs.sort(Comparator.comparing(RunInfo::startTime).thenComparing(RunInfo::runId));
        return runs;
    }

    /** The run with this id, if the store holds it. */
    public Optional<RunInfo> findRun(String runId) {
        return listRuns().stream().filter(r -> r.runId().equals(runId)).findFirst();
    }

    /**
     * The run with this id.
     *
     * @throws NoSuchRunException naming the id, the store and the runs it holds
     */
    public RunInfo run(String runId) {
        List<RunInfo> runs = listRuns();
        return runs.stream().filter(r -> r.runId().equals(runId)).findFirst().orElseThrow(() ->
                new NoSuchRunException("no run '" + runId + "' in store " + description + "; runs: "
                        + runs.stream().map(RunInfo::runId).toList()));
    }

    /** The per-iteration scalars of a run, in iteration order; empty before the first commit. */
    public ScalarSeries scalars(String runId) {
        List<ScalarSeries> parts = new ArrayList<>();
        for (LandscapeRecord r : records(runId, RecordTypes.SCALARS)) {
            parts.add(Json.GSON.fromJson(r.json(), ScalarSeries.class));
        }
        return ScalarSeries.concat(parts);
    }

    /** The checkpoints of a run that survived thinning: initial first, then periodic by iteration, then final. */
    public List<Checkpoint> checkpoints(String runId) {
        List<Checkpoint> out = new ArrayList<>();
        for (LandscapeRecord r : records(runId, RecordTypes.CHECKPOINT)) {
            StoreWriter.CheckpointHeader h = Json.GSON.fromJson(r.json(), StoreWriter.CheckpointHeader.class);
            out.add(new Checkpoint(h.iteration(), h.epoch(), Checkpoint.Kind.valueOf(h.kind()), r.floats()));
        }
        out.sort(Comparator.comparing(Checkpoint::kind, Comparator.comparingInt(k -> switch (k) {
            case INITIAL -> 0;
            case PERIODIC -> 1;
            case FINAL -> 2;
        })).thenComparingLong(Checkpoint::iteration));
        return out;
    }

    /** The landscape snapshots of a run, oldest first. */
    public List<Snapshot> snapshots(String runId) {
        return records(runId, RecordTypes.SNAPSHOT).stream()
                .map(r -> Json.GSON.fromJson(r.json(), Snapshot.class)).toList();
    }

    /** The number of snapshots of a run, without decoding them. */
    public int snapshotCount(String runId) {
        RunInfo run = run(runId);
        return storage.getNumUpdateRecordsFor(runId, RecordTypes.SNAPSHOT, run.workerId());
    }

    /** The snapshot with this index (0-based), if the run has it. */
    public Optional<Snapshot> snapshot(String runId, int index) {
        RunInfo run = run(runId);
        long[] times = storage.getAllUpdateTimes(runId, RecordTypes.SNAPSHOT, run.workerId());
        if (index < 0 || index >= times.length) {
            return Optional.empty();
        }
        List<Persistable> p = storage.getUpdates(runId, RecordTypes.SNAPSHOT, run.workerId(),
                new long[]{times[index]});
        return p.isEmpty() ? Optional.empty() : Optional.of(Json.GSON.fromJson(checked(p.get(0)).json(),
                Snapshot.class));
    }


    private List<LandscapeRecord> records(String runId, String typeId) {
        RunInfo run = run(runId);
        long[] times = storage.getAllUpdateTimes(runId, typeId, run.workerId());
        List<LandscapeRecord> out = new ArrayList<>(times.length);
        for (Persistable p : storage.getUpdates(runId, typeId, run.workerId(), times)) {
            out.add(checked(p));
        }
        return out;
    }

    private LandscapeRecord checked(Persistable p) {
        if (!(p instanceof LandscapeRecord r)) {
            throw new StoreException("store " + description + " holds a record of type " + p.getTypeID()
                    + " that is not a landscape4j record (" + p.getClass().getName() + ")");
        }
        if (r.schemaVersion() > RecordTypes.SCHEMA_VERSION) {
            throw new StoreException("store " + description + " was written with landscape4j schema version "
                    + r.schemaVersion() + "; this version reads up to " + RecordTypes.SCHEMA_VERSION
                    + ": upgrade landscape4j to read it");
        }
        return r;
    }

    /** Commits and closes the storage if this store opened it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ShutdownOrder.forget(this);
        if (owned && !storage.isClosed()) {
            try {
                storage.close();
            } catch (IOException e) {
                throw new StoreException("cannot close store " + description + ": " + e, e);
            }
        }
    }

    @Override
    public String toString() {
        return "LandscapeStore(" + description + ")";
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }
}
