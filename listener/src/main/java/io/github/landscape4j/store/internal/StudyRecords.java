package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.StoreException;
import io.github.landscape4j.store.StudyRecord;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Internal: study records in a store, one static-info record per study under its own session
 * ({@link RecordTypes#STUDY_SESSION_PREFIX} + name), checked like every record. Callers wrap reads in the store's
 * read lock and error translation.
 */
public final class StudyRecords {
    private final StatsStorage storage;
    private final RunRecords records;
    private final String description;

    public StudyRecords(StatsStorage storage, RunRecords records, String description) {
        this.storage = storage;
        this.records = records;
        this.description = description;
    }

    public void write(StudyRecord study) {
        try {
            storage.putStaticInfo(new LandscapeRecord(RecordTypes.STUDY_SESSION_PREFIX + study.name(),
                    RecordTypes.STUDY, RecordTypes.STUDY_WORKER, System.currentTimeMillis(),
                    Json.GSON.toJson(study), null));
        } catch (RuntimeException e) {
            throw new StoreException("cannot write study " + study.name() + " to store " + description + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    public List<StudyRecord> all() {
        List<StudyRecord> out = new ArrayList<>();
        for (String session : storage.listSessionIDs()) {
            if (session.startsWith(RecordTypes.STUDY_SESSION_PREFIX)) {
                for (Persistable p : storage.getAllStaticInfos(session, RecordTypes.STUDY)) {
                    out.add(of(records.checked(p)));
                }
            }
        }
        out.sort(Comparator.comparing(StudyRecord::name));
        return out;
    }

    public Optional<StudyRecord> named(String name) {
        Persistable p = storage.getStaticInfo(RecordTypes.STUDY_SESSION_PREFIX + name, RecordTypes.STUDY,
                RecordTypes.STUDY_WORKER);
        return p == null ? Optional.empty() : Optional.of(of(records.checked(p)));
    }

    private StudyRecord of(LandscapeRecord r) {
        StudyRecord s = Json.GSON.fromJson(r.json(), StudyRecord.class);
        if (s == null || s.name() == null || s.runs() == null) {
            throw new StoreException("store " + description + " holds a study record without its name or runs in"
                    + " session " + r.getSessionID());
        }
        return s;
    }
}
