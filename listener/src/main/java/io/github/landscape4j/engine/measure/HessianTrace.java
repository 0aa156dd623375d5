package io.github.landscape4j.engine.measure;

import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.store.MeasureDescriptor;

import java.util.List;

/**
 * The Hessian trace by Hutchinson's estimator {@code mean vᵀHv} over Rademacher vectors {@code v} (Hutchinson 1990;
 * PyHessian, Yao et al. 2020), with the same Hessian-vector products as {@link HessianTop}.
 */
public final class HessianTrace implements Measure {

    @Override
    public String name() {
        return "hessian trace";
    }

    @Override
    public boolean enabled(EvaluationContext ctx) {
        return ctx.config().hutchinson() > 0;
    }

    @Override
    public List<MeasureDescriptor> descriptors(SnapshotConfig config) {
        return List.of(new MeasureDescriptor("hessian_trace", "Hessian trace", "loss/θ²", "hessian_trace",
                "Hutchinson 1990; Yao, Gholami, Keutzer, Mahoney 2020 (PyHessian)",
                config.curvatureAll() ? "all" : "weights", "",
                "Hutchinson estimate of the trace of the Hessian of the mean train probe loss"));
    }

    @Override
    public void compute(EvaluationContext ctx) {
        ctx.put("hessian_trace", ctx.hessian().trace(ctx.curvatureCentre(), ctx.train(), ctx.random(),
                ctx.config().hutchinson()));
    }
}
