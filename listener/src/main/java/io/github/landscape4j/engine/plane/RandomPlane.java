package io.github.landscape4j.engine.plane;

import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.Plane;
import io.github.landscape4j.engine.internal.Workbench;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Locale;

/**
 * The random plane of Li, Xu, Taylor, Studer, Goldstein (NeurIPS 2018): two Gaussian directions drawn once per run
 * from the engine's seed and normalized against the centre at every snapshot (filter normalization by default), on
 * the grid {@code [-range, range]²}.
 */
public final class RandomPlane implements Plane {

    @Override
    public String name() {
        return "random plane";
    }

    @Override
    public boolean enabled(EvaluationContext ctx) {
        return ctx.config().planes().contains("random");
    }

    @Override
    public void compute(EvaluationContext ctx) {
        Workbench b = ctx.workbench();
        INDArray d1 = b.normalized(b.raw(1), ctx.centre());
        INDArray d2 = b.normalized(b.raw(2), ctx.centre());
        double[] axis = ctx.axis();
        ctx.plane("random", ctx.config().normalization().name().toLowerCase(Locale.ROOT), d1, d2, axis, axis,
                List.of("d1 (random)", "d2 (random)"), new double[0], new double[0][], new long[0]);
    }
}
