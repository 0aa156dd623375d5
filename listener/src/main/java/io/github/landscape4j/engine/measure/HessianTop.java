package io.github.landscape4j.engine.measure;

import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.sharpness.internal.Hessian;
import io.github.landscape4j.sharpness.internal.Ritz;
import io.github.landscape4j.store.MeasureDescriptor;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.store.Spectrum;

import java.util.List;

/**
 * The top Hessian eigenvalue {@code λ_max} of the train-probe loss (in DL4J's units) by the Lanczos iteration on
 * Hessian-vector products (PyHessian, Yao, Gholami, Keutzer, Mahoney 2020, uses Lanczos for its spectrum), each a
 * forward difference of double-precision gradients with a step of {@link Hessian#RELATIVE_STEP}·‖θ‖ (small enough
 * not to cross ReLU kinks). The algebraic maximum, which Lanczos finds directly; for models too big for a Lanczos
 * basis, power iteration with a shifted second run when the dominant eigenvalue is negative. Over every trainable
 * parameter by default, the weights-only block as an option; per weight tensor too when per-tensor measures are on.
 * The same run's other Ritz values give {@code hessian_top_2}, {@code hessian_top_3} (with residuals) and the
 * snapshot's {@link Spectrum} (stochastic Lanczos quadrature, Ghorbani, Krishnan, Xiao 2019), at no extra product.
 */
public final class HessianTop implements Measure {

    @Override
    public String name() {
        return "hessian top";
    }

    @Override
    public boolean enabled(EvaluationContext ctx) {
        return ctx.config().hessianIterations() > 0;
    }

    @Override
    public List<MeasureDescriptor> descriptors(SnapshotConfig config) {
        String paper = "Yao, Gholami, Keutzer, Mahoney 2020 (PyHessian); Lanczos 1950";
        String scope = config.curvatureAll() ? "all" : "weights";
        return List.of(
                new MeasureDescriptor("hessian_top", "top Hessian eigenvalue λ_max", "loss/θ²", "hessian_top", paper,
                        scope, "", "largest eigenvalue of the Hessian of the train probe loss in DL4J's"
                        + " units (the algebraic maximum, by Lanczos)"),
                new MeasureDescriptor("hessian_top_2", "second Hessian eigenvalue λ₂", "loss/θ²", "hessian_top",
                        paper, scope, "", "second largest Ritz value of λ_max's Lanczos run (an eigenvalue lies"
                        + " within hessian_top_2_residual of it)"),
                new MeasureDescriptor("hessian_top_3", "third Hessian eigenvalue λ₃", "loss/θ²", "hessian_top",
                        paper, scope, "", "third largest Ritz value of λ_max's Lanczos run (an eigenvalue lies"
                        + " within hessian_top_3_residual of it)"),
                new MeasureDescriptor("hessian_top_2_residual", "λ₂ residual ‖Hy − λy‖", "loss/θ²", "diagnostic",
                        paper, scope, "", "residual of the second Ritz pair, no extra product"),
                new MeasureDescriptor("hessian_top_3_residual", "λ₃ residual ‖Hy − λy‖", "loss/θ²", "diagnostic",
                        paper, scope, "", "residual of the third Ritz pair, no extra product"),
                new MeasureDescriptor("hessian_top_hvps", "λ_max Hessian-vector products", "count", "diagnostic",
                        paper, scope, "", "Hessian-vector products the Lanczos iteration took"),
                new MeasureDescriptor("hessian_top_residual", "λ_max residual ‖Hy − λy‖", "loss/θ²",
                        "diagnostic", paper, scope, "", "residual of the returned eigenpair (y a unit"
                        + " vector): an eigenvalue of the Hessian lies within it of λ_max; from Lanczos β_k·|s_k|,"
                        + " no extra product"));
    }

    @Override
    public void compute(EvaluationContext ctx) {
        Hessian.Top top = ctx.hessianTop();
        ctx.put("hessian_top", top.eigenvalue());
        ctx.put("hessian_top_hvps", top.hvps());
        if (Double.isFinite(top.residual())) {
            ctx.put("hessian_top_residual", top.residual());
        }
        Ritz ritz = top.ritz();
        if (ritz != null && Double.isFinite(top.eigenvalue())) { // the whole spectrum of the run, no extra product
            ctx.spectrum(new Spectrum(ritz.values(), ritz.weights(), ritz.residuals(),
                    ctx.config().curvatureAll() ? "all" : "weights"));
            for (int k = 2; k <= Math.min(3, ritz.values().length); k++) {
                ctx.put("hessian_top_" + k, ritz.values()[k - 1]);
                ctx.put("hessian_top_" + k + "_residual", ritz.residuals()[k - 1]);
            }
        }
        if (ctx.config().perTensorMeasures()) {
            for (ParameterTensor t : ctx.workbench().weightTensors()) {
                Hessian.Top tt = ctx.hessian().top(ctx.curvatureCentre(), ctx.train(), ctx.random(),
                        ctx.config().hessianIterations(), 1e-2, t, null);
                ctx.putPerTensor(t.name(), "hessian_top", tt.eigenvalue());
            }
        }
    }
}
