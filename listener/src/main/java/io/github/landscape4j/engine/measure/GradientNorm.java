package io.github.landscape4j.engine.measure;

import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.store.MeasureDescriptor;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * {@code ‖∇L(θ)‖₂} of the mean train-probe loss at the centre, in double precision, over the curvature measures'
 * parameters (every trainable parameter by default, or the weights-only block). Shares its gradient with the
 * ε-sharpness ascent.
 */
public final class GradientNorm implements Measure {

    @Override
    public String name() {
        return "gradient";
    }

    @Override
    public boolean enabled(EvaluationContext ctx) {
        SnapshotConfig c = ctx.config();
        return c.ascentSteps() > 0 || c.hessianIterations() > 0 || c.hutchinson() > 0;
    }

    @Override
    public List<MeasureDescriptor> descriptors(SnapshotConfig config) {
        return List.of(new MeasureDescriptor("probe_gradient_norm", "probe gradient norm", "loss/θ", "gradient", "",
                config.curvatureAll() ? "all" : "weights", "",
                "Euclidean norm of the gradient of the mean train probe loss at the centre"));
    }

    @Override
    public void compute(EvaluationContext ctx) {
        INDArray g = ctx.gradient().dup();
        ctx.workbench().curvature().mask(g);
        ctx.put("probe_gradient_norm", g.norm2Number().doubleValue());
    }
}
