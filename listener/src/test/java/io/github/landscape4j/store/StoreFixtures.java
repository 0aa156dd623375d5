package io.github.landscape4j.store;

import io.github.landscape4j.store.internal.IterationRow;
import io.github.landscape4j.store.internal.Json;
import io.github.landscape4j.store.internal.RecordTypes;
import io.github.landscape4j.store.internal.StoreWriter;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Runs written through the real {@link StoreWriter}, for store tests that need many records fast. */
public final class StoreFixtures {
    static final List<String> TENSORS = List.of("0_W", "0_b");

    private StoreFixtures() {
    }

    public static StoreWriter writer(StatsStorageRouter router, String runId, int commitEvery, Consumer<Throwable> onFault) {
        StoreWriter w = new StoreWriter(router, runId, "w0", TENSORS, commitEvery, 60_000, 0, onFault);
        w.writeRunInfo(() -> Json.GSON.toJson(new RunInfo(runId, "w0", "fixture", List.of("t"), 7,
                Instant.parse("2026-01-02T03:04:05Z"), "MultiLayerNetwork", "{}", 6,
                List.of(new ParameterTensor("0_W", 0, new long[]{2, 2}), new ParameterTensor("0_b", 4, new long[]{2})),
                Map.of("commitEvery", String.valueOf(commitEvery)), Map.of("landscape4j", "test"),
                RecordTypes.SCHEMA_VERSION, List.of())));
        return w;
    }

    public static IterationRow row(long i) {
        return new IterationRow(i, (int) (i / 50), 10 * i, 1.0 / (i + 1), 0.1, Math.sqrt(i), i % 7 == 0 ? Double.NaN
                : 0.01 * i, 2.0, new double[]{1, i}, new double[]{2, i}, new double[]{3, Double.POSITIVE_INFINITY});
    }

    /** A snapshot whose surface is a {@code grid} x {@code grid} plane of distinct losses (a large record). */
    public static Snapshot bigSnapshot(int index, int grid) {
        double[] xs = new double[grid];
        double[][] loss = new double[grid][grid];
        for (int i = 0; i < grid; i++) {
            xs[i] = i - grid / 2;
            for (int j = 0; j < grid; j++) {
                loss[i][j] = index + 1e-3 * i + 1e-7 * j;
            }
        }
        Surface surface = new Surface("random", "filter", xs, xs, loss, loss, loss, loss, List.of("d1", "d2"),
                new double[0], new double[0][], new long[0]);
        return new Snapshot(index, 10L * index, 0, 100L * index, 7, Map.of("train", "32 examples"),
                List.of(surface), List.of(), Map.of("train_loss", (double) index), Map.of(), Map.of("total", 1.5));
    }

    /** A snapshot with NaN and infinite measures, one surface and one slice. */
    public static Snapshot snapshot(int index) {
        Map<String, Double> measures = new LinkedHashMap<>();
        measures.put("train_loss", 0.5 + index);
        measures.put("val_loss", Double.NaN);
        measures.put("hessian_top", Double.POSITIVE_INFINITY);
        Map<String, Map<String, Double>> perTensor = new LinkedHashMap<>();
        Map<String, Double> w = new LinkedHashMap<>();
        w.put("sharpness_random_mean", Double.NaN);
        w.put("hessian_top", 2.0 + index);
        perTensor.put("0_W", w);
        double[] xs = {-1, 0, 1};
        double[][] loss = {{1, 2, 3}, {4, Double.NaN, 6}, {7, 8, 9}};
        Surface surface = new Surface("random", "filter", xs, xs, loss, loss, loss, loss, List.of("d1", "d2"),
                new double[0], new double[0][], new long[0]);
        Slice slice = new Slice("gradient", "g", xs, xs, xs, xs, xs);
        return new Snapshot(index, 10L * index, 0, 100L * index, 7, Map.of("train", "32 examples"),
                List.of(surface), List.of(slice), measures, perTensor, Map.of("total", 1.5));
    }

    /**
     * Writes {@code rows} rows (committed every {@code commitEvery}), a snapshot every 10 rows with progress records
     * around it, a checkpoint every 20 rows (the one at 20 dropped at 40, as thinning does) and a final progress.
     */
    static void writeRun(StoreWriter w, int rows, int commitEvery) {
        int snapshots = 0;
        for (int i = 0; i < rows; i++) {
            w.addRow(row(i));
            if (i % 10 == 9) {
                w.writeProgress(progress("snapshot", snapshots, i));
                w.writeRecord(RecordTypes.SNAPSHOT, Json.GSON.toJson(snapshot(snapshots++)));
                w.writeProgress(progress("training", snapshots, i));
            }
            if (i % 20 == 0) {
                w.writeCheckpoint(i, i, 0, i == 0 ? Checkpoint.Kind.INITIAL : Checkpoint.Kind.PERIODIC,
                        Nd4j.create(new float[]{i, 1, 2, 3, 4, Float.NaN}));
            }
            if (i == 40) {
                w.dropCheckpoint(20);
            }
        }
        w.writeProgress(progress("finished", snapshots, rows));
        w.flush();
    }

    static String progress(String state, int snapshot, long iteration) {
        return Json.GSON.toJson(new LandscapeStore.Progress(state, snapshot, iteration, 1_000 * iteration));
    }

    /** Everything a reader can get from the store, as one string, for comparing stores. */
    static String dump(LandscapeStore store) {
        List<Object> all = new ArrayList<>();
        for (RunInfo run : store.listRuns()) {
            all.add(run);
            all.add(store.run(run.runId()));
            all.add(store.scalars(run.runId()));
            all.add(store.checkpoints(run.runId()));
            all.add(store.snapshots(run.runId()));
            int n = store.snapshotCount(run.runId());
            all.add(n);
            for (int i = -1; i <= n; i++) {
                all.add(store.snapshot(run.runId(), i).orElse(null));
            }
            all.add(store.findRun(run.runId()).isPresent());
            all.add(store.progress(run).orElse(null));
            all.add(store.counts(run));
        }
        return Json.GSON.toJson(all);
    }
}
