package io.github.landscape4j.ui.internal;

import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.ui.internal.Responses.Answer;
import org.deeplearning4j.ui.api.HttpMethod;
import org.deeplearning4j.ui.api.Route;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Internal: {@code /landscape/api/runs/:run/archive}, one ZIP of everything the page shows of a run, for a
 * one-click download: {@code run.json} (metadata with measure descriptors), {@code scalars.csv}, {@code measures.csv}
 * and each snapshot as {@code <run>-snapshot<k>.json} (surfaces, slices, measures, timings), {@code k} counted from 1
 * as the page counts snapshots (the API's index is {@code k - 1}).
 */
public final class ArchiveRoutes {
    private final StoreRegistry registry;

    public ArchiveRoutes(StoreRegistry registry) {
        this.registry = registry;
    }

    public List<Route> routes() {
        return List.of(new Route("/landscape/api/runs/:run/archive", HttpMethod.GET,
                Responses.handler(List.of("zip"), this::archive)));
    }

    private Answer archive(Request r) {
        StoreRegistry.Located at = registry.locate(r.runId(0, "run"));
        RunInfo run = at.run();
        String id = run.runId();
        List<Snapshot> snapshots = at.store().snapshots(id);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, id + "/run.json", Answer.json(RunRoutes.detailOf(at)).body());
            put(zip, id + "/scalars.csv", Csv.scalars(at.store().scalars(id)).getBytes(StandardCharsets.UTF_8));
            put(zip, id + "/measures.csv", Csv.measures(Measures.of(snapshots)).getBytes(StandardCharsets.UTF_8));
            for (Snapshot s : snapshots) {
                put(zip, id + "/snapshots/" + id + "-snapshot" + (s.index() + 1) + ".json", Answer.json(s).body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the archive of run " + id, e);
        }
        return new Answer(bytes.toByteArray(), "application/zip", id + "-archive.zip");
    }

    private static void put(ZipOutputStream zip, String name, byte[] body) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(body);
        zip.closeEntry();
    }
}
