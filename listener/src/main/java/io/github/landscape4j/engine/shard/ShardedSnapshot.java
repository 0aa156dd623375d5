package io.github.landscape4j.engine.shard;

import io.github.landscape4j.store.Slice;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.Surface;
import io.github.landscape4j.store.internal.Json;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot cut into independent pieces for any scheduler (Spark in {@code landscape4j-spark}): made by
 * {@link io.github.landscape4j.engine.LandscapeEngine#plan}, which computes everything but the planes' grids on the
 * calling thread; the planes' rows and the slices are then evaluated anywhere by a {@link ShardEvaluator} made from this value
 * (model as configuration JSON + centre parameters, probes, directions), and {@link #assemble} puts the rows back.
 * The assembled snapshot equals the engine's own {@code snapshot(request)} bit for bit (same seed, options and
 * request); only its timings differ.
 *
 * <p>Serializable (plain values only); a Spark broadcast carries it once to each executor.
 */
public final class ShardedSnapshot implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String partialJson;
    private final List<PlaneTask> planes;
    private final String modelClass;
    private final String modelConfigJson;
    private final Packed centre;
    private final ProbeData train;
    private final ProbeData validation;
    private final int threads;
    private transient Snapshot partial;

    /**
     * Internal ({@code LandscapeEngine.plan} makes it): {@code partial} is the snapshot with the planes' grids empty,
     * {@code centre} the parameters in the model's data type, the probes those the planes are evaluated on,
     * {@code threads} the engine's ND4J threads (the evaluators use the same).
     */
    public ShardedSnapshot(Snapshot partial, List<PlaneTask> planes, String modelClass, String modelConfigJson,
                           Packed centre, ProbeData train, ProbeData validation, int threads) {
        this.partial = partial;
        this.partialJson = Json.GSON.toJson(partial);
        this.planes = List.copyOf(planes);
        this.modelClass = modelClass;
        this.modelConfigJson = modelConfigJson;
        this.centre = centre;
        this.train = train;
        this.validation = validation;
        this.threads = threads;
    }

    /** The snapshot with everything but the planes' grids (which are empty). */
    public Snapshot partial() {
        if (partial == null) {
            partial = Json.GSON.fromJson(partialJson, Snapshot.class);
        }
        return partial;
    }

    /** The planes and slices to evaluate, in the snapshot's order. */
    public List<PlaneTask> planes() {
        return planes;
    }

    public String modelClass() {
        return modelClass;
    }

    public String modelConfigJson() {
        return modelConfigJson;
    }

    /** The centre parameters, flattened, in the model's data type. */
    public Packed centre() {
        return centre;
    }

    public ProbeData train() {
        return train;
    }

    /** The held-out probe, or null. */
    public ProbeData validation() {
        return validation;
    }

    /** ND4J's threads for an evaluation (0: ND4J's own setting). */
    public int threads() {
        return threads;
    }

    /** Grid points in all (train-probe evaluations; a plane with validation counts twice). */
    public long points() {
        return planes.stream().mapToLong(p -> (long) p.xs().length * p.ys().length * (p.validation() ? 2 : 1))
                .sum();
    }

    /**
     * Rows per piece for {@code cores} workers: about four pieces per core over all the rows (a slow worker does not
     * hold up the end), at least one row.
     */
    public int rowsPerShard(int cores) {
        int rows = planes.stream().mapToInt(p -> p.ys().length).sum();
        return Math.max(1, (int) Math.ceil(rows / (4.0 * Math.max(1, cores))));
    }

    /** Every plane's rows cut into pieces of at most {@code rowsPerShard} rows, plane by plane. */
    public List<PlaneShard> shards(int rowsPerShard) {
        if (rowsPerShard < 1) {
            throw new IllegalArgumentException("rowsPerShard=" + rowsPerShard + ": must be >= 1");
        }
        List<PlaneShard> out = new ArrayList<>();
        for (int t = 0; t < planes.size(); t++) {
            int rows = planes.get(t).ys().length;
            for (int j0 = 0; j0 < rows; j0 += rowsPerShard) {
                out.add(new PlaneShard(t, j0, Math.min(rows, j0 + rowsPerShard)));
            }
        }
        return out;
    }

    /**
     * The whole snapshot from the partial one and every plane's rows and slice (pieces in any order; a piece computed twice,
     * e.g. by a retried task, must be equal and counts once).
     *
     * @throws IllegalArgumentException when a row is missing, or a row computed twice differs
     */
    public Snapshot assemble(Collection<PlaneRows> pieces) {
        Snapshot p = partial();
        List<Surface> surfaces = new ArrayList<>(p.surfaces());
        List<Slice> slices = new ArrayList<>(p.slices());
        for (int t = 0; t < planes.size(); t++) {
            PlaneTask task = planes.get(t);
            int rows = task.ys().length;
            double[][][] g = new double[4][rows][];
            for (PlaneRows r : pieces) {
                if (r.task() == t) {
                    put(g, r, task);
                }
            }
            for (int j = 0; j < rows; j++) {
                if (g[0][j] == null) {
                    throw new IllegalArgumentException((task.line() ? "slice " : "plane ") + task.plane() + ": row "
                            + j + " of " + rows + " is missing from the pieces");
                }
            }
            boolean val = task.validation();
            if (task.line()) {
                Slice l = slices.get(task.index());
                slices.set(task.index(), new Slice(l.kind(), l.label(), l.alphas(), g[0][0], g[1][0],
                        val ? g[2][0] : new double[0], val ? g[3][0] : new double[0]));
                continue;
            }
            Surface s = surfaces.get(task.index());
            surfaces.set(task.index(), new Surface(s.plane(), s.normalization(), s.xs(), s.ys(), g[0], g[1],
                    val ? g[2] : new double[0][], val ? g[3] : new double[0][], s.axisLabels(),
                    s.explainedVariance(), s.path(), s.pathIterations()));
        }
        Map<String, Double> timings = new LinkedHashMap<>(p.timingsMillis());
        timings.put("plane rows (sharded, summed)", pieces.stream().mapToLong(PlaneRows::nanos).sum() / 1e6);
        return new Snapshot(p.index(), p.iteration(), p.epoch(), p.wallMillis(), p.seed(), p.probe(), surfaces,
                slices, p.measures(), p.perTensor(), timings, p.level(), p.spectrum());
    }

    private static void put(double[][][] g, PlaneRows r, PlaneTask task) {
        double[][][] in = {r.trainLoss(), r.trainAccuracy(), r.valLoss(), r.valAccuracy()};
        for (int k = 0; k < r.trainLoss().length; k++) {
            int j = r.j0() + k;
            if (j >= g[0].length || r.trainLoss()[k].length != task.xs().length) {
                throw new IllegalArgumentException("plane " + task.plane() + ": a piece's row " + j
                        + " does not fit its " + g[0].length + "x" + task.xs().length + " grid");
            }
            for (int m = 0; m < (task.validation() ? 4 : 2); m++) {
                if (g[m][j] != null && !java.util.Arrays.equals(g[m][j], in[m][k])) {
                    throw new IllegalArgumentException("plane " + task.plane() + ": row " + j
                            + " was computed twice with different values");
                }
                g[m][j] = in[m][k];
            }
        }
    }
}
