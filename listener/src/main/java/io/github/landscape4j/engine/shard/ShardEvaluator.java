package io.github.landscape4j.engine.shard;

import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.engine.internal.SnapshotThreads;
import io.github.landscape4j.surface.internal.LinearFirstLayer;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.SurfaceComputer;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Evaluates the pieces (plane rows, slices) of a {@link ShardedSnapshot} on the engine's own fast path (the network rebuilt from its
 * configuration JSON and centre, the first-layer linearity path, kept buffers), without the centre loss or the
 * divergence check the plan already did. Make one per thread (not thread-safe) and reuse it for many pieces of one
 * plan: rebuilding the network is its fixed cost.
 */
public final class ShardEvaluator {
    private final ShardedSnapshot job;
    private final ProbeModel model;
    private final SurfaceComputer computer;
    private final INDArray centre;
    private final Probe train;
    private final Probe validation;
    private final Map<Integer, INDArray[]> directions = new HashMap<>();

    /** Rebuilds the plan's network and probes. */
    public ShardEvaluator(ShardedSnapshot job) {
        this.job = job;
        this.centre = job.centre().array();
        Model m = Models.fromConfig(job.modelClass(), job.modelConfigJson(), centre);
        this.model = ProbeModel.of(m, null);
        this.computer = new SurfaceComputer(model, LinearFirstLayer.of(model, Models.tensors(m)).orElse(null));
        this.train = job.train().probe();
        this.validation = job.validation() == null ? null : job.validation().probe();
    }

    /** The plan it evaluates. */
    public ShardedSnapshot job() {
        return job;
    }

    /** Evaluates one piece: its rows' loss and accuracy grids, bit for bit those of the engine's own snapshot. */
    public PlaneRows evaluate(PlaneShard shard) {
        if (shard.task() >= job.planes().size()) {
            throw new IllegalArgumentException("shard of plane " + shard.task() + ": the plan has "
                    + job.planes().size() + " planes");
        }
        PlaneTask t = job.planes().get(shard.task());
        if (shard.j1() > t.ys().length) {
            throw new IllegalArgumentException("shard rows " + shard.j0() + ".." + shard.j1() + ": plane "
                    + t.plane() + " has " + t.ys().length + " rows");
        }
        INDArray[] d = directions.computeIfAbsent(shard.task(), k -> new INDArray[]{t.d1().array(),
                t.line() ? t.base().array() : t.d2().array()});
        double[] ys = Arrays.copyOfRange(t.ys(), shard.j0(), shard.j1());
        long t0 = System.nanoTime();
        try (SnapshotThreads ignored = SnapshotThreads.use(job.threads())) {
            model.load(centre);
            if (t.line()) {
                SurfaceComputer.Line[] l = computer.line(d[1], d[0], t.xs(), train, t.validation() ? validation
                        : null);
                boolean val = l[1] != null;
                return new PlaneRows(shard.task(), 0, new double[][]{l[0].loss()}, new double[][]{l[0].accuracy()},
                        val ? new double[][]{l[1].loss()} : new double[0][],
                        val ? new double[][]{l[1].accuracy()} : new double[0][], System.nanoTime() - t0);
            }
            SurfaceComputer.Grids[] g = computer.plane(centre, d[0], d[1], t.xs(), ys, train,
                    t.validation() ? validation : null);
            boolean val = g[1] != null;
            return new PlaneRows(shard.task(), shard.j0(), g[0].loss(), g[0].accuracy(),
                    val ? g[1].loss() : new double[0][], val ? g[1].accuracy() : new double[0][],
                    System.nanoTime() - t0);
        } finally {
            computer.release();
            model.release();
        }
    }
}
