package io.github.landscape4j.ui.internal;

import io.github.landscape4j.store.Slice;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.Surface;
import io.github.landscape4j.ui.internal.Responses.Answer;
import org.deeplearning4j.ui.api.HttpMethod;
import org.deeplearning4j.ui.api.Route;

import java.util.List;

/**
 * Internal: one snapshot ({@code /landscape/api/runs/:run/snapshots/:index}), and its surfaces and slices for
 * export ({@code .../surfaces/:surface} as JSON, CSV or VTK; {@code .../slices/:slice} as JSON or CSV).
 */
public final class SnapshotRoutes {
    private static final String BASE = "/landscape/api/runs/:run/snapshots/:index";
    private final StoreRegistry registry;

    public SnapshotRoutes(StoreRegistry registry) {
        this.registry = registry;
    }

    public List<Route> routes() {
        return List.of(
                new Route(BASE, HttpMethod.GET, Responses.handler(Request.JSON, r -> Answer.json(snapshot(r)))),
                new Route(BASE + "/surfaces/:surface", HttpMethod.GET,
                        Responses.handler(Request.JSON_CSV_VTK, this::surface)),
                new Route(BASE + "/slices/:slice", HttpMethod.GET, Responses.handler(Request.JSON_CSV, this::slice)));
    }

    private Snapshot snapshot(Request r) {
        StoreRegistry.Located at = registry.locate(r.runId(0, "run"));
        String runId = at.run().runId();
        int index = r.index(1, "index");
        return at.store().snapshot(runId, index).orElseThrow(() -> {
            int n = at.store().snapshotCount(runId);
            return new HttpError(404, "run '" + runId + "' has " + n + " snapshot" + (n == 1 ? "" : "s")
                    + (n == 0 ? " yet" : " (indices 0.." + (n - 1) + ")") + "; no snapshot " + index);
        });
    }

    private Answer surface(Request r) {
        Snapshot s = snapshot(r);
        int k = r.index(2, "surface");
        if (k >= s.surfaces().size()) {
            throw new HttpError(404, "snapshot " + s.index() + " has " + s.surfaces().size()
                    + " surfaces; no surface " + k);
        }
        Surface surface = s.surfaces().get(k);
        String name = r.runId(0, "run") + "-snapshot" + s.index() + "-surface" + k + "-" + surface.plane();
        return switch (r.format()) {
            case "csv" -> Answer.csv(Csv.surface(surface), name + ".csv");
            case "vtk" -> Answer.vtk(Vtk.surface(surface, "landscape4j " + name + " (iteration " + s.iteration()
                    + ", plane " + surface.plane() + ", " + surface.normalization() + " normalization)"), name + ".vtk");
            default -> Answer.json(surface);
        };
    }

    private Answer slice(Request r) {
        Snapshot s = snapshot(r);
        int k = r.index(2, "slice");
        if (k >= s.slices().size()) {
            throw new HttpError(404, "snapshot " + s.index() + " has " + s.slices().size() + " slices; no slice "
                    + k);
        }
        Slice slice = s.slices().get(k);
        return r.format().equals("csv")
                ? Answer.csv(Csv.slice(slice), r.runId(0, "run") + "-snapshot" + s.index() + "-slice" + k + ".csv")
                : Answer.json(slice);
    }
}
