package io.github.landscape4j.engine.plane;

import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.SliceKind;
import io.github.landscape4j.surface.internal.SurfaceComputer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * 1D linear interpolation from the initial parameters (α = 0) to the centre (α = 1), α in {@code [-0.5, 1.5]}
 * (Goodfellow, Vinyals, Saxe, ICLR 2015).
 */
public final class InterpolationSlice implements SliceKind {

    @Override
    public String name() {
        return "interpolation slice";
    }

    @Override
    public boolean enabled(EvaluationContext ctx) {
        return ctx.config().slices() && ctx.request().initial() != null;
    }

    @Override
    public void compute(EvaluationContext ctx) {
        INDArray theta = ctx.centre();
        int k = Math.max(1, Math.round((ctx.config().grid() - 1) / 4f)); // 4k+1 points: 0 and 1 on the grid
        double[] alphas = SurfaceComputer.linspace(-0.5, 1.5, 4 * k + 1);
        INDArray start = ctx.request().initial().reshape(theta.length()).castTo(theta.dataType());
        ctx.line("interpolation", "initial (α=0) → current (α=1)", start, theta.sub(start), alphas);
    }
}
