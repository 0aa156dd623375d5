package io.github.landscape4j.engine.measure;

import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.store.MeasureDescriptor;

import java.util.List;

/**
 * The edge-of-stability ratio {@code λ_max · η / 2} (Cohen, Kaur, Li, Kolter, Talwalkar, ICLR 2021): under
 * full-batch gradient descent with step {@code η}, {@code λ_max} rises until it reaches about {@code 2/η}, so the
 * ratio rises to about 1 and hovers there when training is curvature-limited. {@code η} is the learning rate the
 * run recorded (the first layer's); with SGD's minibatch noise or Adam's preconditioning the line is softer.
 * Undefined (not written) when the learning rate is unknown. The example of a measure added as a plug-in: it only
 * reads what earlier parts found.
 */
public final class EdgeOfStability implements Measure {

    @Override
    public String name() {
        return "edge of stability";
    }

    @Override
    public boolean enabled(EvaluationContext ctx) {
        return ctx.config().hessianIterations() > 0 && Double.isFinite(ctx.learningRate());
    }

    @Override
    public List<MeasureDescriptor> descriptors(SnapshotConfig config) {
        return List.of(new MeasureDescriptor("edge_of_stability", "λ_max·η/2 (edge of stability at 1)", "ratio",
                "edge_of_stability", "Cohen, Kaur, Li, Kolter, Talwalkar, ICLR 2021",
                config.curvatureAll() ? "all" : "weights", "",
                "top Hessian eigenvalue times the learning rate over 2; gradient descent is stable below 1"));
    }

    @Override
    public void compute(EvaluationContext ctx) {
        ctx.put("edge_of_stability", ctx.measure("hessian_top") * ctx.learningRate() / 2);
    }
}
