package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.StoreException;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Internal: a run's update records read from a DL4J storage, each checked (a landscape4j record of a schema this
 * code reads, under its own key, run and type). Schema 2 keys records by their number within the run and type
 * (0, 1, 2, ...): they are read by key, which gives a prefix of the commits even without a lock and avoids
 * iterating MapDB's map (slow, and DL4J's positional {@code getAllUpdateTimes} can push out a record added while it
 * runs). Older runs, and checkpoints (which thinning removes), are read by iterating the map. Schema 3 records are
 * also checked against the run's {@link Manifest}, so an older version of a record is not read as the current one.
 */
public final class RunRecords {
    private final StatsStorage storage;
    private final String description;

    public RunRecords(StatsStorage storage, String description) {
        this.storage = storage;
        this.description = description;
    }

    /**
     * Every landscape4j run in the store, oldest first, each header checked. A session that holds landscape4j records
     * must be among them: a damaged index can point the list of sessions or of run headers at an older version
     * (the store as it was before the run began), which would read as a store without the run.
     */
    public List<RunInfo> runs() {
        List<RunInfo> runs = new ArrayList<>();
        for (String session : storage.listSessionIDs()) {
            for (Persistable p : storage.getAllStaticInfos(session, RecordTypes.RUN)) {
                LandscapeRecord r = checked(p);
                RunInfo run = Json.GSON.fromJson(r.json(), RunInfo.class);
                if (run == null || run.runId() == null || run.workerId() == null || run.startTime() == null
                        || !run.runId().equals(r.getSessionID())) {
                    throw new StoreException("store " + description + " holds a run header of session "
                            + r.getSessionID() + " that lacks its id, worker or start time");
                }
                runs.add(run);
            }
        }
        if (storage instanceof RecordSessions sessions) {
            Set<String> ids = runs.stream().map(RunInfo::runId).collect(Collectors.toSet());
            for (String session : sessions.sessionsWithRecords()) {
                if (!ids.contains(session)) {
                    throw new StoreException("store " + description + " is damaged: it holds records of run "
                            + session + " but not the run itself (its header or its entry in the list of sessions"
                            + " is lost)");
                }
            }
        }
        runs.sort(Comparator.comparing(RunInfo::startTime).thenComparing(RunInfo::runId));
        return runs;
    }

    /**
     * The records of one kind of a run, by key, checked against the run's manifest: none lost from the index, none
     * an older version of a record the run rewrote or removed (schema 3).
     */
    public SortedMap<Long, LandscapeRecord> of(RunInfo run, String typeId) {
        String runId = run.runId();
        SortedMap<Long, Persistable> found;
        boolean added = !typeId.equals(RecordTypes.CHECKPOINT);
        // before the records: the writer writes it after them
        Manifest manifest = keyedByNumber(run) ? manifest(run) : Manifest.NONE;
        if (keyedByNumber(run) && added) {
            found = new TreeMap<>();
            for (long k = 0; ; k++) {
                Persistable p = storage.getUpdate(runId, typeId, run.workerId(), k);
                if (p == null) {
                    break;
                }
                found.put(k, p);
            }
            requireListed(run, typeId, manifest.count(typeId), found.size());
        } else {
            found = updates(runId, typeId, run.workerId());
        }
        SortedMap<Long, LandscapeRecord> out = new TreeMap<>();
        for (Map.Entry<Long, Persistable> e : found.entrySet()) {
            out.put(e.getKey(), ofKey(runId, typeId, e.getKey(), e.getValue()));
        }
        if (keyedByNumber(run) && stillCurrent(run, manifest)) {
            check(run, added ? manifest.problemWithAdded(typeId, out) : manifest.problemWithListed(typeId, out));
        }
        return out;
    }

    /**
     * The record of a kind the run rewrites under key 0 (its progress), checked against the manifest; empty when
     * the run has not written one.
     */
    public Optional<LandscapeRecord> latest(RunInfo run, String typeId) {
        Manifest manifest = keyedByNumber(run) ? manifest(run) : Manifest.NONE;
        Persistable p = storage.getUpdate(run.runId(), typeId, run.workerId(), 0L);
        SortedMap<Long, LandscapeRecord> found = new TreeMap<>();
        if (p != null) {
            found.put(0L, ofKey(run.runId(), typeId, 0L, p));
        }
        if (keyedByNumber(run) && stillCurrent(run, manifest)) {
            check(run, manifest.problemWithListed(typeId, found));
        }
        return Optional.ofNullable(found.get(0L));
    }

    /** A record checked to be the one stored under this key, run and type. */
    private LandscapeRecord ofKey(String runId, String typeId, long key, Persistable p) {
        LandscapeRecord r = checked(p);
        if (r.getTimeStamp() != key || !runId.equals(r.getSessionID()) || !typeId.equals(r.getTypeID())) {
            throw new StoreException("store " + description + " holds a record under the wrong key: "
                    + r.getTypeID() + " " + r.getTimeStamp() + " of run " + r.getSessionID() + " found as "
                    + typeId + " " + key + " of run " + runId);
        }
        return r;
    }

    private void check(RunInfo run, String problem) {
        if (problem != null) {
            throw new StoreException("store " + description + " is damaged: run " + run.runId() + " " + problem);
        }
    }

    /**
     * Whether the manifest read before the records is still the run's manifest: always in a file read under the
     * storage's lock; elsewhere (another storage, a file read read-only while another process writes it) a writer
     * may have added records since, which the checks would take for damage.
     */
    private boolean stillCurrent(RunInfo run, Manifest before) {
        return storage instanceof LandscapeFileStatsStorage || manifest(run).sequence() == before.sequence();
    }

    /** The number of records of one kind of a run: for schema 2, O(log n) look-ups of keys 0..n-1. */
    public int count(RunInfo run, String typeId) {
        if (!keyedByNumber(run) || typeId.equals(RecordTypes.CHECKPOINT)) {
            return storage.getNumUpdateRecordsFor(run.runId(), typeId, run.workerId());
        }
        Manifest manifest = manifest(run);
        int n = prefixCount(run, typeId);
        requireListed(run, typeId, manifest.count(typeId), n);
        if (stillCurrent(run, manifest)) {
            check(run, manifest.problemWithCount(typeId, n));
        }
        return n;
    }

    /**
     * The run's manifest; {@link Manifest#NONE} when it has none (a run written before manifests, or one that has
     * not committed a record yet).
     */
    private Manifest manifest(RunInfo run) {
        Persistable p = storage.getUpdate(run.runId(), RecordTypes.MANIFEST, run.workerId(), 0L);
        if (p == null) {
            return Manifest.NONE;
        }
        LandscapeRecord r = ofKey(run.runId(), RecordTypes.MANIFEST, 0L, p);
        try {
            return Manifest.of(r);
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
    public Optional<io.github.landscape4j.store.Snapshot> snapshot(io.github.landscape4j.store.RunInfo run,
                                                                           int index) {
        if (index < 0) {
            return Optional.empty();
        }
        org.deeplearning4j.core.storage.Persistable p = storage.getUpdate(run.runId(), RecordTypes.SNAPSHOT,
                run.workerId(), index);
        if (p != null) {
            io.github.landscape4j.store.Snapshot s = snapshotOf(checked(p));
            if (s.index() == index) {
                return Optional.of(s);
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
