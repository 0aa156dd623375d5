package io.github.landscape4j.ui.internal;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.StudyRecord;
import io.github.landscape4j.study.StudyAnswer;
import io.github.landscape4j.ui.internal.Responses.Answer;
import org.deeplearning4j.ui.api.HttpMethod;
import org.deeplearning4j.ui.api.Route;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Internal: the Study view ({@code /landscape/study}) and its API: {@code /landscape/api/studies} (every study of
 * the attached stores) and {@code /landscape/api/studies/:study} (one study record: runs, settings, measures,
 * correlations, and its {@link StudyAnswer}: verdicts after Holm's correction and warnings). Registered before {@link PageRoutes}, whose catch-all answers unknown API paths.
 */
public final class StudyRoutes {
    private static final String PAGE = "deeplearning4jUiAssets/landscape4j/study.html";

    /** One study in the list. */
    record StudySummary(String name, String description, String store, int runs, int planned, boolean grid,
                        boolean analysed, Instant updated) {
    }

    private final StoreRegistry registry;
    private final Route page = PageRoutes.page("/landscape/study", PAGE);

    public StudyRoutes(StoreRegistry registry) {
        this.registry = registry;
    }

    public List<Route> routes() {
        return List.of(
                page,
                new Route("/landscape/api/studies", HttpMethod.GET, Responses.handler(Request.JSON, r -> list())),
                new Route("/landscape/api/studies/:study", HttpMethod.GET,
                        Responses.handler(Request.JSON, this::study)));
    }

    private Answer list() {
        List<StudySummary> out = new ArrayList<>();
        for (LandscapeStore store : registry.stores()) {
            for (StudyRecord s : store.studies()) {
                out.add(new StudySummary(s.name(), s.description(), StoreRegistry.describe(store), s.runs().size(),
                        s.planned(), s.grid(), !s.correlations().isEmpty(), s.updated()));
            }
        }
        return Answer.json(Map.of("studies", out));
    }

    private Answer study(Request r) {
        String name = r.runId(0, "study");
        List<String> known = new ArrayList<>();
        for (LandscapeStore store : registry.stores()) {
            var found = store.study(name);
            if (found.isPresent()) {
                return Answer.json(Map.of("store", StoreRegistry.describe(store), "study", found.get(),
                        "answer", StudyAnswer.of(found.get())));
            }
            store.studies().forEach(s -> known.add(s.name()));
        }
        throw new HttpError(404, "no study '" + name + "' in the attached stores; studies: " + known);
    }
}
