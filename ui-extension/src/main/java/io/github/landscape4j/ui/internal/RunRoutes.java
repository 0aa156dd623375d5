package io.github.landscape4j.ui.internal;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.MeasureDescriptor;
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
 * with what each is doing (its progress record), and {@code /landscape/api/runs/:run} (one run's metadata, with the
 * descriptors of its measures, from which the page draws its charts).
 */
public final class RunRoutes {

    /** One run in the list; the counts grow while the run is written. */
    /**
     * One run in the list; {@code source}, for a snapshot computed offline from a stored checkpoint
     * ({@code examples/landscape.sh}), names where it came from: {@code STORE#RUN@CHECKPOINT}, else null.
     */
    record RunSummary(String runId, String name, List<String> tags, Instant startTime, String modelClass,
                      long numParams, String store, int snapshots, int scalarRecords, int checkpoints,
                      LandscapeStore.Progress progress, long serverEpochMillis, String source) {
    }

    /** A run's metadata, as recorded, plus the store it is in. */
    record RunDetail(String runId, String workerId, String name, List<String> tags, long seed, Instant startTime,
                     String modelClass, String modelConfigJson, long numParams, List<ParameterTensor> tensors,
                     Map<String, String> listenerConfig, Map<String, String> versions, int schemaVersion,
                     String store, int snapshots, List<MeasureDescriptor> measures) {
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
                // the server's clock beside the writer's: the page shows how long a snapshot has run
                runs.add(new RunSummary(run.runId(), run.name(), run.tags(), run.startTime(), run.modelClass(),
                        run.numParams(), StoreRegistry.describe(store), n.snapshots(), n.scalarRecords(),
                        n.checkpoints(), store.progress(run).orElse(null), System.currentTimeMillis(),
                        run.tags().contains("offline") ? run.listenerConfig().get("source") : null));
            }
        }
        return Answer.json(Map.of("runs", runs));
    }

    private Answer detail(Request r) {
        return Answer.json(detailOf(registry.locate(r.runId(0, "run"))));
    }

    /** A run's metadata as the API serves it. */
    static RunDetail detailOf(StoreRegistry.Located at) {
        RunInfo i = at.run();
        return new RunDetail(i.runId(), i.workerId(), i.name(), i.tags(), i.seed(), i.startTime(),
                i.modelClass(), i.modelConfigJson(), i.numParams(), i.tensors(), i.listenerConfig(), i.versions(),
                i.schemaVersion(), StoreRegistry.describe(at.store()), at.store().counts(i).snapshots(),
                measures(i));
    }

    /**
     * What the run's measures are: as stored with it, or, for runs recorded before descriptors were stored, what
     * the engine writes with the run's options (the defaults when they no longer parse).
     */
    static List<MeasureDescriptor> measures(RunInfo run) {
        if (!run.measures().isEmpty()) {
            return run.measures();
        }
        SnapshotConfig config;
        try {
            config = LandscapeConfig.parse(run.listenerConfig()).snapshots();
        } catch (RuntimeException e) {
            config = LandscapeConfig.defaults().snapshots();
        }
        return LandscapeEngine.measures(config, List.of());
    }
}
