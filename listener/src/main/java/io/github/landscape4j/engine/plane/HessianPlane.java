package io.github.landscape4j.engine.plane;

import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.Plane;
import io.github.landscape4j.engine.internal.Workbench;
import io.github.landscape4j.sharpness.internal.Hessian;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Locale;

/**
 * The plane of the top two Hessian eigenvectors (Lanczos, the second with the first projected out), each
 * normalized as the run's directions, on the grid {@code [-range, range]²}: the sharpest cross-section.
 */
public final class HessianPlane implements Plane {

    @Override
    public String name() {
        return "hessian plane";
    }

    @Override
    public boolean enabled(EvaluationContext ctx) {
        return ctx.config().planes().contains("hessian") && ctx.config().hessianIterations() > 0;
    }

    @Override
    public void compute(EvaluationContext ctx) {
        Workbench b = ctx.workbench();
        Hessian.Top top = ctx.hessianTop();
        Hessian.Top second = ctx.hessian().top(ctx.curvatureCentre(), ctx.train(), ctx.random(),
                ctx.config().hessianIterations(), 1e-3, null, top.eigenvector());
        INDArray theta = ctx.centre();
        INDArray e1 = b.normalized(top.eigenvector().castTo(theta.dataType()), theta);
        INDArray e2 = b.normalized(second.eigenvector().castTo(theta.dataType()), theta);
        double[] axis = ctx.axis();
        ctx.plane("hessian", ctx.config().normalization().name().toLowerCase(Locale.ROOT), e1, e2, axis, axis,
                List.of(String.format(Locale.ROOT, "e1 (λ=%.4g)", top.eigenvalue()),
                        String.format(Locale.ROOT, "e2 (λ=%.4g)", second.eigenvalue())),
                new double[0], new double[0][], new long[0]);
    }
}
