package io.github.landscape4j.ui.internal;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.ui.internal.Responses.Answer;
import org.deeplearning4j.ui.api.HttpMethod;
import org.deeplearning4j.ui.api.Route;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Internal: {@code /landscape/api/runs} (every run with its record counts, polled by the page to follow runs live)
 * and {@code /landscape/api/runs/:run} (one run's metadata).
 */
public final class RunRoutes {

    /** One run in the list; the counts grow while the run is written. */
    record RunSummary(String runId, String name, List<String> tags, Instant startTime, String modelClass,
                      long numParams, String store, int snapshots, int scalarRecords, int checkpoints) {
    }

    /** A run's metadata, as recorded, plus the store it is in. */
    record RunDetail(String runId, String workerId, String name, List<String> tags, long seed, Instant startTime,
                     String modelClass, String modelConfigJson, long numParams, List<ParameterTensor> tensors,
                     Map<String, String> listenerConfig, Map<String, String> versions, int schemaVersion,
                     String store, int snapshots) {
    }

    private final StoreRegistry registry;

    public RunRoutes(StoreRegistry registry) {
        this.registry = registry;
    }

    public List<Route> routes() {
        return List.of(
                new Route("/landscape/api/runs", HttpMethod.GET, Responses.handler(Request.JSON, r -> list())),
                new Route("/landscape/api/runs/:run", HttpMethod.GET, Responses.handler(Request.JSON, this::detail)));
    }

    private Answer list() {
        List<RunSummary> runs = new ArrayList<>();
        for (LandscapeStore store : registry.stores()) {
            for (RunInfo run : store.listRuns()) {
                LandscapeStore.RecordCounts n = store.counts(run);
                runs.add(new RunSummary(run.runId(), run.name(), run.tags(), run.startTime(), run.modelClass(),
                        run.numParams(), StoreRegistry.describe(store), n.snapshots(), n.scalarRecords(),
                        n.checkpoints()));
            }
        }
        return Answer.json(Map.of("runs", runs));
    }

    private Answer detail(Request r) {
        StoreRegistry.Located at = registry.locate(r.runId(0, "run"));
        RunInfo i = at.run();
        return Answer.json(new RunDetail(i.runId(), i.workerId(), i.name(), i.tags(), i.seed(), i.startTime(),
                i.modelClass(), i.modelConfigJson(), i.numParams(), i.tensors(), i.listenerConfig(), i.versions(),
                i.schemaVersion(), StoreRegistry.describe(at.store()), at.store().counts(i).snapshots()));
    }
}
