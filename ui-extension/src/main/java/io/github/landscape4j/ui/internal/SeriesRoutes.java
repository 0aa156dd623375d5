package io.github.landscape4j.ui.internal;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.ScalarSeries;
import io.github.landscape4j.ui.internal.Responses.Answer;
import org.deeplearning4j.ui.api.HttpMethod;
import org.deeplearning4j.ui.api.Route;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Internal: the series over iterations: {@code /landscape/api/runs/:run/scalars} (score, norms, per tensor) and
 * {@code /landscape/api/runs/:run/measures} (snapshot measures: sharpness, Hessian, probe losses and gap), as JSON
 * or CSV.
 */
public final class SeriesRoutes {
    /** Measures of a run as of a snapshot count: the page asks every few seconds, snapshots only grow. */
    private record Cached(LandscapeStore store, int count, Measures measures) {
    }

    private final StoreRegistry registry;
    private final Map<String, Cached> measures = new ConcurrentHashMap<>();

    public SeriesRoutes(StoreRegistry registry) {
        this.registry = registry;
    }

    public List<Route> routes() {
        return List.of(
                new Route("/landscape/api/runs/:run/scalars", HttpMethod.GET,
                        Responses.handler(Request.JSON_CSV, this::scalars)),
                new Route("/landscape/api/runs/:run/measures", HttpMethod.GET,
                        Responses.handler(Request.JSON_CSV, this::measures)));
    }

    private Answer scalars(Request r) {
        StoreRegistry.Located at = registry.locate(r.runId(0, "run"));
        ScalarSeries s = at.store().scalars(at.run().runId());
        return r.format().equals("csv") ? Answer.csv(Csv.scalars(s), at.run().runId() + "-scalars.csv")
                : Answer.json(s);
    }

    private Answer measures(Request r) {
        StoreRegistry.Located at = registry.locate(r.runId(0, "run"));
        String runId = at.run().runId();
        int count = at.store().snapshotCount(runId);
        Cached c = measures.get(runId);
        if (c == null || c.store() != at.store() || c.count() != count) {
            List<io.github.landscape4j.store.Snapshot> all = at.store().snapshots(runId);
            c = new Cached(at.store(), all.size(), Measures.of(all));
            measures.put(runId, c);
        }
        Measures m = c.measures();
        return r.format().equals("csv") ? Answer.csv(Csv.measures(m), at.run().runId() + "-measures.csv")
                : Answer.json(m);
    }
}
