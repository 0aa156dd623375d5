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
 *
 * <p>The threshold {@code 2/η} concerns the Hessian of the loss the optimizer steps on. For a mini-batch network
 * (DL4J's default) that is the mean over the minibatch, estimated by the mean over the train probe: the
 * {@code hessian_top} of the snapshot as is. A {@code miniBatch(false)} network steps on the sum over its
 * minibatch of {@code B} examples, whose Hessian is about {@code B/n} times that of the probe's sum over {@code n}
 * examples (the probe loss in DL4J's units), so {@code λ_max} is scaled by {@code B/n}; without {@code B}
 * ({@link io.github.landscape4j.engine.SnapshotRequest#batchSize()} 0) the ratio is not written for such a network.
 * Not written either when the learning rate is unknown. The example of a measure added as a plug-in: it only reads
 * what earlier parts found.
 */
public final class EdgeOfStability implements Measure {

    @Override
    public String name() {
        return "edge of stability";
    }

    @Override
    public boolean enabled(EvaluationContext ctx) {
        return ctx.config().hessianIterations() > 0 && Double.isFinite(ctx.learningRate())
                && (ctx.request().batchSize() > 0 || !summed(ctx));
    }

    @Override
    public List<MeasureDescriptor> descriptors(SnapshotConfig config) {
        return List.of(new MeasureDescriptor("edge_of_stability", "λ_max·η/2 (edge of stability at 1)", "ratio",
                "edge_of_stability", "Cohen, Kaur, Li, Kolter, Talwalkar, ICLR 2021",
                config.curvatureAll() ? "all" : "weights", "",
                "top eigenvalue of the Hessian of the loss the optimizer steps on, times the learning rate over 2;"
                        + " gradient descent is stable below 1. That loss is the minibatch mean (estimated on the"
                        + " train probe), or for a miniBatch(false) network the sum over the training minibatch of B"
                        + " examples (the probe sum's λ_max times B/probe size; not written when B is unknown)"));
    }

    @Override
    public void compute(EvaluationContext ctx) {
        double scale = summed(ctx) ? (double) ctx.request().batchSize() / ctx.train().size() : 1.0;
        ctx.put("edge_of_stability", ctx.measure("hessian_top") * scale * ctx.learningRate() / 2);
    }

    /** Whether the probe loss, and so its Hessian, is a sum over examples ({@code miniBatch(false)}). */
    private static boolean summed(EvaluationContext ctx) {
        return ctx.workbench().floatModel().summedOverExamples();
    }
}
