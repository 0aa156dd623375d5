package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.RunInfo;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorage;

import java.util.ArrayList;
import java.util.List;

/**
 * Internal: copies one run's records as they are (header, scalars, checkpoints, snapshots, progress, and its manifest
 * last, so a reader sees the run whole or not at all) from one DL4J storage into another: e.g. a study run trained
 * on a Spark executor into the study's store on the driver.
 */
public final class RunImport {
    private RunImport() {
    }

    /** Copies {@code run} from {@code from} to {@code to}; returns the update records copied. */
    public static int copy(StatsStorage from, StatsStorage to, RunInfo run) {
        String session = run.runId();
        String worker = run.workerId();
        List<Persistable> updates = new ArrayList<>();
        Persistable manifest = null;
        for (String type : from.listTypeIDsForSession(session)) {
            if (type.equals(RecordTypes.RUN)) {
                continue;
            }
            long[] keys = from.getAllUpdateTimes(session, type, worker);
            for (Persistable p : from.getUpdates(session, type, worker, keys)) {
                if (type.equals(RecordTypes.MANIFEST)) {
                    manifest = p;
                } else {
                    updates.add(p);
                }
            }
        }
        for (Persistable p : from.getAllStaticInfos(session, RecordTypes.RUN)) {
            to.putStaticInfo(p);
        }
        for (Persistable p : updates) {
            to.putUpdate(p);
        }
        if (manifest != null) {
            to.putUpdate(manifest);
        }
        return updates.size() + (manifest == null ? 0 : 1);
    }
}
