package io.github.landscape4j.store;

import io.github.landscape4j.store.internal.Causes;
import io.github.landscape4j.store.internal.Json;
import io.github.landscape4j.store.internal.LandscapeFileStatsStorage;
import io.github.landscape4j.store.internal.LandscapeRecord;
import io.github.landscape4j.store.internal.MapDbShutdown;
import io.github.landscape4j.store.internal.ReadOnlyStatsStorage;
import io.github.landscape4j.store.internal.RunImport;
import io.github.landscape4j.store.internal.RunRecords;
import io.github.landscape4j.store.internal.StudyRecords;
import io.github.landscape4j.store.internal.ShutdownOrder;
import io.github.landscape4j.store.internal.RecordTypes;
import io.github.landscape4j.store.internal.StoreFiles;
import io.github.landscape4j.store.internal.StoreWriter;
import io.github.landscape4j.store.internal.UndoJournal;
import org.deeplearning4j.core.storage.StatsStorage;
import org.mapdb.DBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A run store: landscape4j's records kept in a DL4J {@link StatsStorage}, by default a MapDB file with a
 * write-ahead log ({@code FileStatsStorage}). Each recorded model is one run (a DL4J session); the same file can
 * also hold DL4J {@code StatsListener} sessions, which this reader skips.
 *
 * <p>Reading works while a listener writes to the same store in the same JVM (each read sees whole commits), and
 * on a file copied from a finished or running run ({@link #openExisting(Path)} opens it read-only). A MapDB file can
 * be open for writing in one process at a time.
 *
 * <p>Every failure to read (a missing, truncated, damaged or alien file, a record whose checksum does not match) is
 * a {@link StoreException} naming the store and the reason, at open or at the read.
 *
 * <p>Thread-safe. {@link #close()} commits, never throws and is idempotent; a store made with
 * {@link #of(StatsStorage)} does not close the storage it was given.
 */
public final class LandscapeStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");

    private final StatsStorage storage;
    private final String description;
    private final boolean owned;
    private final RunRecords records;
    private final StudyRecords studies;
    private volatile boolean closed;

    private LandscapeStore(StatsStorage storage, String description, boolean owned) {
        this.storage = storage;
        this.description = description;
        this.owned = owned;
        this.records = new RunRecords(storage, description);
        this.studies = new StudyRecords(storage, records, description);
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
        if (Files.exists(abs) && !Files.isWritable(abs)) {
            throw new StoreException("store file " + abs + " is not writable (to read it: LandscapeStore.openExisting,"
                    + " or examples/ui.sh --store)");
        }
        if (abs.getParent() != null && !Files.isWritable(abs.getParent())) {
            throw new StoreException("store file " + abs + " cannot be written: its directory " + abs.getParent()
                    + " is not writable, and MapDB writes its log (" + abs.getFileName() + ".wal.N) beside the file"
                    + " at every commit (to read it: LandscapeStore.openExisting, or examples/ui.sh --store)");
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
     * Opens an existing store file for reading only, e.g. one copied from a run. The file is never written (MapDB's
     * read-only mode), so a copy of a file that was being written opens as it was copied, or fails; the one
     * exception is a file whose writer died in the middle of a commit, which is first put back to its last finished
     * commit from its undo journal ({@code FILE.undo}), as opening it for writing would.
     *
     * @throws StoreException naming the file when it does not exist, is a directory or other non-file, cannot be
     *                        read, or is not a landscape4j store (truncated, damaged, another program's file)
     */
    public static LandscapeStore openExisting(Path file) {
        Path abs = file.toAbsolutePath();
        StoreFiles.requireRegularFile(abs);
        if (!Files.isReadable(abs)) {
            throw new StoreException("store file " + abs + " is not readable");
        }
        UndoJournal.recover(abs);
        StatsStorage storage;
        try {
            storage = new ReadOnlyStatsStorage(abs.toFile());
        } catch (RuntimeException | Error e) {
            throw new StoreException("cannot open store file " + abs + ": it is not a landscape4j/DL4J MapDB store"
                    + " or is damaged (" + Causes.describe(e) + ")", e);
        }
        LandscapeStore store = new LandscapeStore(storage, abs.toString(), true);
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
        if (Files.exists(abs)) {
            StoreFiles.requireRegularFile(abs);
        }
        try {
            return new LandscapeFileStatsStorage(abs.toFile());
        } catch (RuntimeException | Error e) {
            if (Causes.find(e, DBException.FileLocked.class) != null) {
                throw new StoreException("cannot open store file " + abs + ": it is locked by another process that"
                        + " has it open for writing (a run recording into it); wait for that process to end, give"
                        + " this one another file, or read it with LandscapeStore.openExisting", e);
            }
            throw new StoreException("cannot open store file " + abs + ": it is damaged or not a landscape4j/DL4J"
                    + " MapDB store (" + Causes.describe(e) + ")", e);
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
        return read("the list of runs", this::runs);
    }

    private List<RunInfo> runs() {
        return records.runs();
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
        return read("run " + runId, () -> runIn(runs(), runId));
    }

    private RunInfo runIn(List<RunInfo> runs, String runId) {
        return runs.stream().filter(r -> r.runId().equals(runId)).findFirst().orElseThrow(() ->
                new NoSuchRunException("no run '" + runId + "' in store " + description + "; runs: "
                        + runs.stream().map(RunInfo::runId).toList()));
    }

    /** The per-iteration scalars of a run, in iteration order; empty before the first commit. */
    public ScalarSeries scalars(String runId) {
        return read("the scalars of run " + runId, () -> {
            List<ScalarSeries> parts = new ArrayList<>();
            for (LandscapeRecord r : records.of(runIn(runs(), runId), RecordTypes.SCALARS).values()) {
                ScalarSeries part = Json.GSON.fromJson(r.json(), ScalarSeries.class);
                if (part == null) {
                    throw new StoreException("store " + description + " holds an empty scalar record in run "
                            + runId);
                }
                parts.add(part);
            }
            return ScalarSeries.concat(parts);
        });
    }

    /** The checkpoints of a run that survived thinning: initial first, then periodic by iteration, then final. */
    public List<Checkpoint> checkpoints(String runId) {
        return read("the checkpoints of run " + runId, () -> {
            List<Checkpoint> out = new ArrayList<>();
            for (LandscapeRecord r : records.of(runIn(runs(), runId), RecordTypes.CHECKPOINT).values()) {
                StoreWriter.CheckpointHeader h = Json.GSON.fromJson(r.json(), StoreWriter.CheckpointHeader.class);
                out.add(new Checkpoint(h.iteration(), h.epoch(), Checkpoint.Kind.valueOf(h.kind()), r.floats()));
            }
            out.sort(Comparator.comparing(Checkpoint::kind, Comparator.comparingInt(k -> switch (k) {
                case INITIAL -> 0;
                case PERIODIC -> 1;
                case FINAL -> 2;
            })).thenComparingLong(Checkpoint::iteration));
            return out;
        });
    }

    /** The landscape snapshots of a run, oldest first. */
    public List<Snapshot> snapshots(String runId) {
        return read("the snapshots of run " + runId, () -> records.of(runIn(runs(), runId), RecordTypes.SNAPSHOT)
                .values().stream().map(records::snapshotOf).toList());
    }

    /** The number of snapshots of a run. */
    public int snapshotCount(String runId) {
        return read("the snapshot count of run " + runId, () -> records.count(runIn(runs(), runId),
                RecordTypes.SNAPSHOT));
    }

    /**
     * How many records of each kind a run has (snapshots, committed scalar batches, checkpoints), without decoding
     * them: a few key look-ups each, cheap enough to poll.
     */
    public RecordCounts counts(RunInfo run) {
        return read("the record counts of run " + run.runId(), () -> new RecordCounts(
                records.count(run, RecordTypes.SNAPSHOT), records.count(run, RecordTypes.SCALARS),
                records.count(run, RecordTypes.CHECKPOINT)));
    }

    /** Record counts of a run; see {@link #counts(RunInfo)}. */
    public record RecordCounts(int snapshots, int scalarRecords, int checkpoints) {
    }

    /**
     * What a run said it was doing when it last wrote its progress: {@code training}, {@code snapshot} (computing
     * snapshot {@code snapshot}, taken at {@code iteration}) or {@code finished}, since {@code sinceEpochMillis}
     * (the writer's clock).
     *
     * @param state            {@code training}, {@code snapshot} or {@code finished}
     * @param snapshot         index of the snapshot being computed, or the number written so far otherwise
     * @param iteration        the iteration the state began at
     * @param sinceEpochMillis when the state began, in milliseconds since the epoch
     * @param note             why the run's last scheduled snapshot was not taken (skipped for the time budget, a
     *                         probe too small, a fault) while no snapshot was written since; empty otherwise
     */
    public record Progress(String state, int snapshot, long iteration, long sinceEpochMillis, String note) {
        /** Progress with no note. */
        public Progress(String state, int snapshot, long iteration, long sinceEpochMillis) {
            this(state, snapshot, iteration, sinceEpochMillis, "");
        }

        /** The note; empty for records written before notes existed. */
        @Override
        public String note() {
            return note == null ? "" : note;
        }
    }

    /**
     * The run's latest progress record; empty for a run written before progress records or before its first one.
     * One key look-up: cheap enough to poll.
     */
    public Optional<Progress> progress(RunInfo run) {
        return read("the progress of run " + run.runId(), () -> {
            Optional<LandscapeRecord> r = records.latest(run, RecordTypes.PROGRESS);
            Progress progress = r.isEmpty() ? null : Json.GSON.fromJson(r.get().json(), Progress.class);
            return Optional.ofNullable(progress == null || progress.state() == null ? null : progress);
        });
    }

    /** The snapshot with this index (0-based), if the run has it. */
    public Optional<Snapshot> snapshot(String runId, int index) {
        return read("snapshot " + index + " of run " + runId, () -> records.snapshot(runIn(runs(), runId), index));
    }

    // --- studies ---

    /**
     * Writes a study record, replacing the one of the same name (committed when this returns).
     *
     * @throws StoreException naming the store when it cannot be written
     */
    public void writeStudy(StudyRecord study) {
        if (closed) {
            throw new StoreException("store " + description + " is closed");
        }
        studies.write(study);
    }

    /** Every study in the store, by name. */
    public List<StudyRecord> studies() {
        return read("the list of studies", studies::all);
    }

    /** The study of this name, if the store holds one. */
    public Optional<StudyRecord> study(String name) {
        return read("study " + name, () -> studies.named(name));
    }

    /**
     * Every read: under the storage's read lock where it has one (whole commits only), and with every failure
     * underneath (MapDB's, a damaged record's, a JSON error, an allocation a damaged length asked for) turned into
     * one {@link StoreException} that names the store and what was being read.
     */
    private <T> T read(String what, Supplier<T> body) {
        if (closed) {
            throw new StoreException("store " + description + " is closed");
        }
        try {
            return storage instanceof LandscapeFileStatsStorage file ? file.read(body) : body.get();
        } catch (StoreException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw new StoreException("cannot read " + what + " from store " + description
                    + ": the store is damaged or not a landscape4j store (" + Causes.describe(e) + ")", e);
        }
    }

    /**
     * Copies run {@code runId} of {@code source} into this store as it is (scalars, checkpoints, snapshots), e.g. a
     * study run trained in another JVM; committed when this returns.
     *
     * @throws NoSuchRunException when {@code source} has no such run
     * @throws IllegalArgumentException when this store already has it
     */
    public void importRun(LandscapeStore source, String runId) {
        RunInfo run = source.run(runId);
        if (findRun(runId).isPresent()) {
            throw new IllegalArgumentException("store " + description + " already has a run " + runId);
        }
        RunImport.copy(source.storage, storage, run);
    }

    /**
     * Commits and closes the storage if this store opened it. Never throws: a failure (disk full, file or directory
     * gone) is logged once with the file and the cause, and the file is let go of as far as MapDB allows. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ShutdownOrder.forget(this);
        if (owned) {
            try {
                if (!storage.isClosed()) {
                    storage.close();
                }
            } catch (IOException | RuntimeException | Error e) {
                boolean released = MapDbShutdown.closeDatabase(storage);
                if (released && storage instanceof LandscapeFileStatsStorage file && file.writeFailed()) {
                    return; // the same fault as the write's, which its writer has said
                }
                LOG.warn("landscape4j: closing store file {} failed; what was committed before is kept{} ({})",
                        description, released ? "" : ", and the file may stay locked until this JVM exits",
                        Causes.describe(e));
            }
        }
    }

    @Override public String toString() {
        return "LandscapeStore(" + description + ")";
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }
}
