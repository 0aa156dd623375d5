package io.github.landscape4j.engine.measure;

import io.github.landscape4j.sharpness.internal.Hessian;

import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.store.MeasureDescriptor;

import java.util.List;

/**
 * The Hessian trace by Hutchinson's estimator {@code mean vᵀHv} over Rademacher vectors {@code v} (Hutchinson 1990;
 * PyHessian, Yao et al. 2020), with the same Hessian-vector products as {@link HessianTop}, and its standard
 * error ({@code hessian_trace_se}): the samples' standard deviation over {@code √samples}. Deflated by the Krylov
 * basis of {@link HessianTop}'s Lanczos run: that part of the trace exactly, Hutchinson on the rest
 * ({@link Hessian#traceEstimate}).
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
        String paper = "Hutchinson 1990; Yao, Gholami, Keutzer, Mahoney 2020 (PyHessian)";
        String scope = config.curvatureAll() ? "all" : "weights";
        return List.of(new MeasureDescriptor("hessian_trace", "Hessian trace", "loss/θ²", "hessian_trace", paper,
                        scope, "hessian_trace_se",
                        "Hutchinson estimate of the trace of the Hessian of the mean train probe loss"),
                new MeasureDescriptor("hessian_trace_se", "Hessian trace SE", "loss/θ²", "hessian_trace_se", paper,
                        scope, "", "standard error of the Hutchinson estimate: the samples' standard deviation over"
                        + " √samples (absent for one sample)"),
                new MeasureDescriptor("hessian_trace_exact_directions", "trace: Krylov directions taken exactly",
                        "count", "diagnostic", "Meyer, Musco, Musco, Woodruff, SOSA 2021 (Hutch++)", scope, "",
                        "directions of λ_max's Lanczos basis whose part of the trace is exact (the sum of Lanczos's"
                        + " α); Hutchinson samples only the rest (0: plain Hutchinson)"),
                new MeasureDescriptor("hessian_trace_samples", "trace: Hutchinson samples", "count", "diagnostic",
                        paper, scope, "", "Rademacher samples taken: at least hutchinson, more (up to 4x) until the"
                        + " standard error is at most traceSe of the trace"));
    }

    @Override
    public void compute(EvaluationContext ctx) {
        if (ctx.config().hessianIterations() > 0) {
            ctx.hessianTop(); // its Lanczos basis deflates the estimate (computed once per snapshot)
        }
        SnapshotConfig c = ctx.config();
        Hessian.Estimate trace = ctx.hessian().traceEstimate(ctx.curvatureCentre(), ctx.train(), ctx.random(),
                c.hutchinson(), c.traceSe() > 0 ? SnapshotConfig.TRACE_SAMPLES_FACTOR * c.hutchinson()
                        : c.hutchinson(), c.traceSe());
        ctx.put("hessian_trace", trace.value());
        if (!Double.isNaN(trace.standardError())) {
            ctx.put("hessian_trace_se", trace.standardError());
        }
        ctx.put("hessian_trace_exact_directions", trace.exactDirections());
        ctx.put("hessian_trace_samples", trace.samples());
    }
}
