package io.github.landscape4j.ui;

import io.github.landscape4j.store.internal.RecordTypes;
import io.github.landscape4j.ui.internal.ArchiveRoutes;
import io.github.landscape4j.ui.internal.PageRoutes;
import io.github.landscape4j.ui.internal.RunRoutes;
import io.github.landscape4j.ui.internal.SeriesRoutes;
import io.github.landscape4j.ui.internal.SnapshotRoutes;
import io.github.landscape4j.ui.internal.StoreRegistry;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.core.storage.StatsStorageEvent;
import org.deeplearning4j.ui.api.Route;
import org.deeplearning4j.ui.api.UIModule;
import org.deeplearning4j.ui.i18n.I18NResource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The Landscape page of the DL4J UI server: a {@link UIModule} that DL4J's {@code VertxUIServer} finds with
 * {@code ServiceLoader} (listed in {@code META-INF/services/org.deeplearning4j.ui.api.UIModule}). It serves the page
 * at {@code /landscape} and a read-only JSON API under {@code /landscape/api/} over the landscape4j runs of every
 * {@code StatsStorage} attached to the server (files, in-memory storages, the remote receiver's storage). It reads;
 * it computes nothing. The page follows runs by polling the API, so storage events need no handling here.
 *
 * <p>Thread-safe; created by DL4J, one per server.
 */
public final class LandscapeModule implements UIModule {

    private final StoreRegistry registry = new StoreRegistry();

    /** For {@code ServiceLoader}. */
    public LandscapeModule() {
    }

    @Override
    public List<String> getCallbackTypeIDs() {
        return List.of(RecordTypes.RUN, RecordTypes.SCALARS, RecordTypes.CHECKPOINT, RecordTypes.SNAPSHOT);
    }

    @Override
    public List<Route> getRoutes() {
        List<Route> routes = new ArrayList<>();
        routes.addAll(new RunRoutes(registry).routes());
        routes.addAll(new SeriesRoutes(registry).routes());
        routes.addAll(new SnapshotRoutes(registry).routes());
        routes.addAll(new ArchiveRoutes(registry).routes());
        routes.addAll(new io.github.landscape4j.ui.internal.StudyRoutes(registry).routes());
        routes.addAll(new PageRoutes().routes()); // last: holds the API catch-all
        return routes;
    }

    @Override
    public void reportStorageEvents(Collection<StatsStorageEvent> events) {
        // the page polls /landscape/api/runs every second; reads go to the storage directly
    }

    @Override
    public void onAttach(StatsStorage statsStorage) {
        registry.attach(statsStorage);
    }

    @Override
    public void onDetach(StatsStorage statsStorage) {
        registry.detach(statsStorage);
    }

    @Override
    public List<I18NResource> getInternationalizationResources() {
        return List.of();
    }
}
