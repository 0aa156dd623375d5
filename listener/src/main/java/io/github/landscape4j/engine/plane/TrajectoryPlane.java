package io.github.landscape4j.engine.plane;

import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.Plane;
import io.github.landscape4j.surface.internal.SurfaceComputer;
import io.github.landscape4j.trajectory.internal.PcaPlane;
import io.github.landscape4j.trajectory.internal.TrajectorySketch;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The PCA plane of the trajectory (Li et al., NeurIPS 2018, section 7): the top two principal directions of the
 * checkpoints' offsets from the centre (centred over the checkpoints as Li et al.'s code, sklearn's PCA, by default;
 * uncentred as an option), with the path projected onto it; the grid covers the path with a margin. Checkpoints
 * with non-finite parameters (a stretch of divergence) are left out. Where the run kept fewer than two checkpoints
 * but a {@link TrajectorySketch} of them (a model past the checkpoint budget), the plane is the sketch's, approximate,
 * and its axis labels say so.
 */
public final class TrajectoryPlane implements Plane {

    @Override
    public String name() {
        return "pca plane";
    }

    @Override
    public boolean enabled(EvaluationContext ctx) {
        return ctx.config().planes().contains("pca") && (ctx.request().trajectory().size() >= 2
                || ctx.request().sketch() != null && ctx.request().sketch().count() >= 2);
    }

    @Override
    public void compute(EvaluationContext ctx) {
        if (ctx.request().trajectory().size() < 2) {
            TrajectorySketch.Plane sketched = ctx.request().sketch() == null ? null
                    : ctx.request().sketch().plane(ctx.centre(), ctx.config().pcaCentred());
            if (sketched != null) {
                add(ctx, sketched.pca(), sketched.iterations(),
                        String.format(Locale.ROOT, ", Frequent Directions sketch, %d rows", sketched.ell()));
            }
            return;
        }
        List<INDArray> all = ctx.request().trajectory();
        long[] allIterations = ctx.request().trajectoryIterations();
        List<INDArray> checkpoints = new ArrayList<>();
        List<Long> iterations = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (Double.isFinite(all.get(i).sumNumber().doubleValue())) {
                checkpoints.add(all.get(i));
                iterations.add(allIterations[i]);
            }
        }
        if (checkpoints.size() < 2) {
            return;
        }
        add(ctx, PcaPlane.of(checkpoints, ctx.centre(), ctx.config().pcaCentred()),
                iterations.stream().mapToLong(Long::longValue).toArray(), "");
    }

    /** The plane with its grid over the path; {@code how} ends the axis labels. */
    private static void add(EvaluationContext ctx, PcaPlane pca, long[] iterations, String how) {
        double[] xs = pathAxis(pca.path(), 0, ctx.config().grid());
        double[] ys = pathAxis(pca.path(), 1, ctx.config().grid());
        double[] ev = pca.explainedVariance();
        ctx.plane("pca", "none", pca.d1(), pca.d2(), xs, ys, List.of(
                        String.format(Locale.ROOT, "PC1 (%.1f%%%s)", 100 * ev[0], how),
                        String.format(Locale.ROOT, "PC2 (%.1f%%%s)", 100 * ev[1], how)),
                ev, pca.path(), iterations);
    }

    /** Grid axis covering the path's coordinates with a margin (and the origin). */
    private static double[] pathAxis(double[][] path, int coordinate, int grid) {
        double lo = 0;
        double hi = 0;
        for (double[] p : path) {
            lo = Math.min(lo, p[coordinate]);
            hi = Math.max(hi, p[coordinate]);
        }
        double margin = Math.max(0.2 * (hi - lo), 1e-6);
        return SurfaceComputer.linspace(lo - margin, hi + margin, grid);
    }
}
