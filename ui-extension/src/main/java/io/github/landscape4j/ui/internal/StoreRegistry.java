package io.github.landscape4j.ui.internal;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.NoSuchRunException;
import io.github.landscape4j.store.RunInfo;
import org.deeplearning4j.core.storage.StatsStorage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Internal: the storages attached to the UI server, each read through a {@link LandscapeStore}. The API reaches data
 * only through run ids looked up here, so a request can read nothing but the attached stores. Thread-safe.
 */
public final class StoreRegistry {

    /** A run and the store that holds it. */
    public record Located(LandscapeStore store, RunInfo run) {
    }

    private final List<StatsStorage> order = new CopyOnWriteArrayList<>();
    private final Map<StatsStorage, LandscapeStore> stores = new ConcurrentHashMap<>();

    public void attach(StatsStorage storage) {
        stores.computeIfAbsent(storage, s -> {
            order.add(s);
            return LandscapeStore.of(s);
        });
    }

    public void detach(StatsStorage storage) {
        order.remove(storage);
        stores.remove(storage);
    }

    /** The open stores, in the order they were attached. */
    public List<LandscapeStore> stores() {
        List<LandscapeStore> out = new ArrayList<>();
        for (StatsStorage s : order) {
            LandscapeStore store = stores.get(s);
            if (store != null && !s.isClosed()) {
                out.add(store);
            }
        }
        return out;
    }

    /** A description of the storage for people: the file for file stores. */
    public static String describe(LandscapeStore store) {
        return store.statsStorage().toString();
    }

    /**
     * The run with this id in the first store that holds it.
     *
     * @throws HttpError 404 naming the id and the runs there are
     */
    public Located locate(String runId) {
        List<String> known = new ArrayList<>();
        for (LandscapeStore store : stores()) {
            for (RunInfo run : store.listRuns()) {
                if (run.runId().equals(runId)) {
                    return new Located(store, run);
                }
                known.add(run.runId());
            }
        }
        throw new HttpError(404, new NoSuchRunException("no run '" + runId + "' in the attached stores; runs: "
                + known).getMessage());
    }
}
