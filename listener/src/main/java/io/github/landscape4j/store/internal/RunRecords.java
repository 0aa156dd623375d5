package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.StoreException;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorage;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Internal: a run's update records read from a DL4J storage, each checked (a landscape4j record of a schema this
 * code reads, under its own key, run and type). Schema 2 keys records by their number within the run and type
 * (0, 1, 2, ...): they are read by key, which gives a prefix of the commits even without a lock and avoids
 * iterating MapDB's map (slow, and DL4J's positional {@code getAllUpdateTimes} can push out a record added while it
 * runs). Older runs, and checkpoints (which thinning removes), are read by iterating the map.
 */
public final class RunRecords {
    private final StatsStorage storage;
    private final String description;

    public RunRecords(StatsStorage storage, String description) {
        this.storage = storage;
        this.description = description;
    }

    /** The records of one kind of a run, by key. */
    public SortedMap<Long, LandscapeRecord> of(RunInfo run, String typeId) {
        String runId = run.runId();
        SortedMap<Long, Persistable> found;
        if (keyedByNumber(run) && !typeId.equals(RecordTypes.CHECKPOINT)) {
            long listed = listed(run, typeId); // before the records: the writer writes it after them
            found = new TreeMap<>();
            for (long k = 0; ; k++) {
                Persistable p = storage.getUpdate(runId, typeId, run.workerId(), k);
                if (p == null) {
                    break;
                }
                found.put(k, p);
            }
            requireListed(run, typeId, listed, found.size());
        } else {
            found = updates(runId, typeId, run.workerId());
        }
        SortedMap<Long, LandscapeRecord> out = new TreeMap<>();
        for (Map.Entry<Long, Persistable> e : found.entrySet()) {
            LandscapeRecord r = checked(e.getValue());
            if (r.getTimeStamp() != e.getKey() || !runId.equals(r.getSessionID()) || !typeId.equals(r.getTypeID())) {
                throw new StoreException("store " + description + " holds a record under the wrong key: "
                        + r.getTypeID() + " " + r.getTimeStamp() + " of run " + r.getSessionID() + " found as "
                        + typeId + " " + e.getKey() + " of run " + runId);
            }
            out.put(e.getKey(), r);
        }
        return out;
    }

    /** The number of records of one kind of a run: for schema 2, O(log n) look-ups of keys 0..n-1. */
    public int count(RunInfo run, String typeId) {
        if (!keyedByNumber(run) || typeId.equals(RecordTypes.CHECKPOINT)) {
            return storage.getNumUpdateRecordsFor(run.runId(), typeId, run.workerId());
        }
        long listed = listed(run, typeId);
        int n = prefixCount(run, typeId);
        requireListed(run, typeId, listed, n);
        return n;
    }

    /**
     * How many records of this kind the run's manifest lists (0 when it has none: a run written before manifests,
     * or one that has not committed a record yet).
     */
    private long listed(RunInfo run, String typeId) {
        Persistable p = storage.getUpdate(run.runId(), RecordTypes.MANIFEST, run.workerId(), 0L);
        if (p == null) {
            return 0;
        }
        try {
            Map<?, ?> counts = Json.GSON.fromJson(checked(p).json(), Map.class);
            Object n = counts == null ? null : counts.get(typeId);
            return n instanceof Number number ? number.longValue() : 0;
        } catch (RuntimeException e) {
            throw new StoreException("store " + description + " holds an unreadable manifest of run "
                    + run.runId() + " (" + e + ")", e);
        }
    }

    /** Records 0..found-1 are there; the manifest lists more: the file's index has lost one. */
    private void requireListed(RunInfo run, String typeId, long listed, long found) {
        if (found < listed) {
            throw new StoreException("store " + description + " is damaged: run " + run.runId() + " lists " + listed
                    + " " + typeId + " records but record " + found + " cannot be found");
        }
    }

    private int prefixCount(RunInfo run, String typeId) {
        long high = 1;
        while (has(run, typeId, high - 1)) {
            high *= 2;
        }
        long low = high / 2; // key low - 1 is there (or low is 0), key high - 1 is not
        while (low < high) {
            long mid = (low + high) >>> 1;
            if (has(run, typeId, mid)) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return (int) low;
    }

    /** Checks one record: a landscape4j record, decoded whole, of a schema this code reads. */
    public LandscapeRecord checked(Persistable p) {
        if (p == null) {
            throw new StoreException("store " + description + " holds an empty record");
        }
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

    private static boolean keyedByNumber(RunInfo run) {
        return run.schemaVersion() >= 2;
    }

    private boolean has(RunInfo run, String typeId, long key) {
        return storage instanceof LandscapeFileStatsStorage file
                ? file.hasUpdate(run.runId(), typeId, run.workerId(), key)
                : storage.getUpdate(run.runId(), typeId, run.workerId(), key) != null;
    }

    /**
     * An update map by key: iterated directly where we can; otherwise DL4J's API, retried until the count holds
     * still around the read.
     */
    private SortedMap<Long, Persistable> updates(String runId, String typeId, String workerId) {
        if (storage instanceof LandscapeFileStatsStorage file) {
            return file.updates(runId, typeId, workerId);
        }
        for (int attempt = 0; ; attempt++) {
            int before = storage.getNumUpdateRecordsFor(runId, typeId, workerId);
            long[] keys = storage.getAllUpdateTimes(runId, typeId, workerId);
            List<Persistable> found = storage.getUpdates(runId, typeId, workerId, keys);
            int after = storage.getNumUpdateRecordsFor(runId, typeId, workerId);
            if ((before == after && keys.length == before && found.size() == keys.length) || attempt >= 20) {
                SortedMap<Long, Persistable> out = new TreeMap<>();
                found.forEach(p -> out.put(p.getTimeStamp(), p));
                return out;
            }
        }
    }

    /** Snapshot {@code index} of {@code run}, if it has it (schema 2 keys it by index; older stores by time). */
    public java.util.Optional<io.github.landscape4j.store.Snapshot> snapshot(io.github.landscape4j.store.RunInfo run,
                                                                           int index) {
        if (index < 0) {
            return java.util.Optional.empty();
        }
        org.deeplearning4j.core.storage.Persistable p = storage.getUpdate(run.runId(), RecordTypes.SNAPSHOT,
                run.workerId(), index);
        if (p != null) {
            io.github.landscape4j.store.Snapshot s = snapshotOf(checked(p));
            if (s.index() == index) {
                return java.util.Optional.of(s);
            }
        }
        return of(run, RecordTypes.SNAPSHOT).values().stream().map(this::snapshotOf).filter(s -> s.index() == index)
                .findFirst();
    }

    /** A snapshot record's snapshot, refused when its parts are missing. */
    public io.github.landscape4j.store.Snapshot snapshotOf(LandscapeRecord r) {
        io.github.landscape4j.store.Snapshot s = Json.GSON.fromJson(r.json(), io.github.landscape4j.store.Snapshot.class);
        if (s == null || s.measures() == null || s.surfaces() == null || s.slices() == null) {
            throw new io.github.landscape4j.store.StoreException("store " + description + " holds a snapshot record"
                    + " without its parts in run " + r.getSessionID());
        }
        return s;
    }
}
