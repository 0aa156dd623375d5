package io.github.landscape4j.engine.measure;

import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.sharpness.internal.Hessian;
import io.github.landscape4j.store.MeasureDescriptor;
import io.github.landscape4j.store.ParameterTensor;

import java.util.List;

/**
 * The top Hessian eigenvalue {@code λ_max} of the mean train-probe loss by power iteration on Hessian-vector
 * products (PyHessian, Yao, Gholami, Keutzer, Mahoney 2020), each a central difference of two double-precision
 * gradients with a step of {@link Hessian#RELATIVE_STEP}·‖θ‖ (small enough not to cross ReLU kinks). The algebraic
 * maximum: where the eigenvalue of largest magnitude is negative, a second power iteration on {@code H - λ·I} finds
 * it. Over every
 * trainable parameter by default, the weights-only block as an option; per weight tensor too when per-tensor
 * measures are on.
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
        String paper = "Yao, Gholami, Keutzer, Mahoney 2020 (PyHessian), power iteration";
        String scope = config.curvatureAll() ? "all" : "weights";
        return List.of(
                new MeasureDescriptor("hessian_top", "top Hessian eigenvalue λ_max", "loss/θ²", "hessian_top", paper,
                        scope, "", "largest eigenvalue of the Hessian of the mean train probe loss (the algebraic"
                        + " maximum: a shifted second power iteration when the dominant eigenvalue is negative)"),
                new MeasureDescriptor("hessian_top_hvps", "λ_max Hessian-vector products", "count", "diagnostic",
                        paper, scope, "", "Hessian-vector products the power iteration took"));
    }

    @Override
    public void compute(EvaluationContext ctx) {
        Hessian.Top top = ctx.hessianTop();
        ctx.put("hessian_top", top.eigenvalue());
        ctx.put("hessian_top_hvps", top.hvps());
        if (ctx.config().perTensorMeasures()) {
            for (ParameterTensor t : ctx.workbench().weightTensors()) {
                Hessian.Top tt = ctx.hessian().top(ctx.centreDouble(), ctx.train(), ctx.random(),
                        ctx.config().hessianIterations(), 1e-2, t, null);
                ctx.putPerTensor(t.name(), "hessian_top", tt.eigenvalue());
            }
        }
    }
}
