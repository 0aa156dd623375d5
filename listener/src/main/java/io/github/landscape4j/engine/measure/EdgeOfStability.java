package io.github.landscape4j.engine.measure;

import io.github.landscape4j.engine.internal.AdamState;
import io.github.landscape4j.sharpness.internal.Hessian;

import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.store.MeasureDescriptor;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.List;

/**
 * The edge-of-stability ratio {@code λ_max · η / c} (Cohen, Kaur, Li, Kolter, Talwalkar, ICLR 2021): under
 * full-batch gradient descent with step {@code η}, {@code λ_max} rises until it reaches about {@code c/η}, so the
 * ratio rises to about 1 and hovers there when training is curvature-limited. {@code η} is the learning rate the
 * run recorded (the first layer's); with SGD's minibatch noise the line is softer. {@code c} is the optimizer's own
 * stability threshold on a quadratic: 2 for plain SGD ({@link Sgd}); {@code (2 + 2β)/(1 + 2β)} for DL4J's {@link
 * Nesterovs} with momentum {@code β} (its update {@code θ -= μ·v_prev - (1 + μ)·v} is Nesterov's momentum, whose
 * iteration on {@code λ·θ²/2} is stable while {@code ηλ < (2 + 2β)/(1 + 2β)}; heavy-ball momentum would give
 * {@code 2 + 2β}; Cohen et al. 2021, appendix on momentum). For Adam the edge concerns the preconditioned sharpness
 * (Cohen, Gilmer, Gupta, et al., "Adaptive gradient methods at the edge of stability", 2022): {@code λ_max(P⁻¹H)},
 * {@code P} Adam's per-parameter divisor read from the updater's state ({@link AdamState}), against
 * {@code c = (2 + 2β1)/(1 − β1)} (38 at β1 = 0.9); it is written as {@code hessian_top_preconditioned} (its own
 * Lanczos run on {@code P^(-1/2)·H·P^(-1/2)}) and the ratio uses it. Not written for other adaptive optimizers
 * (RMSProp, AdaGrad, ...), before Adam's first step (no state), nor when layers use different optimizers.
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
                && (ctx.request().batchSize() > 0 || !summed(ctx))
                && (Double.isFinite(threshold(ctx.workbench().template(), ctx.request().iteration(),
                ctx.request().epoch())) || AdamState.of(ctx.workbench().template()).isPresent());
    }

    @Override
    public List<MeasureDescriptor> descriptors(SnapshotConfig config) {
        String cohen2022 = "Cohen, Gilmer, Gupta, Kaur, Li, Kolter, Talwalkar et al., 2022 (adaptive methods)";
        return List.of(new MeasureDescriptor("hessian_top_preconditioned", "Adam's preconditioned sharpness"
                        + " λ_max(P⁻¹H)", "1/η", "edge_of_stability", cohen2022, config.curvatureAll() ? "all"
                        : "weights", "", "top eigenvalue of P⁻¹H, P Adam's divisor of the next step per parameter"
                        + " ((1−β1^t)(√v+ε)/√(1−β2^t)) from the updater's state; Adam runs only"),
                new MeasureDescriptor("hessian_top_preconditioned_residual", "λ_max(P⁻¹H) residual", "1/η",
                        "diagnostic", cohen2022, config.curvatureAll() ? "all" : "weights", "", "residual of the"
                        + " Lanczos eigenpair of P^(-1/2)·H·P^(-1/2): an eigenvalue lies within it"),
                new MeasureDescriptor("edge_of_stability", "λ_max·η/c (edge of stability at 1)", "ratio",
                "edge_of_stability", "Cohen, Kaur, Li, Kolter, Talwalkar, ICLR 2021",
                config.curvatureAll() ? "all" : "weights", "",
                "top eigenvalue of the Hessian of the loss the optimizer steps on, times the learning rate, over the"
                        + " optimizer's threshold c: 2 for SGD, (2+2β)/(1+2β) for Nesterov momentum β; for Adam the"
                        + " preconditioned sharpness λ_max(P⁻¹H) over (2+2β1)/(1−β1); the iteration is stable below"
                        + " 1; not written for other adaptive optimizers. That loss is the minibatch mean (estimated on the"
                        + " train probe), or for a miniBatch(false) network the sum over the training minibatch of B"
                        + " examples (the probe sum's λ_max times B/probe size; not written when B is unknown)"));
    }

    @Override
    public void compute(EvaluationContext ctx) {
        double scale = summed(ctx) ? (double) ctx.request().batchSize() / ctx.train().size() : 1.0;
        double c = threshold(ctx.workbench().template(), ctx.request().iteration(), ctx.request().epoch());
        if (Double.isFinite(c)) {
            ctx.put("edge_of_stability", ctx.measure("hessian_top") * scale * ctx.learningRate() / c);
            return;
        }
        AdamState adam = AdamState.of(ctx.workbench().template()).orElse(null);
        if (adam == null) {
            return;
        }
        Hessian h = ctx.hessian();
        h.topScaled(ctx.curvatureCentre(), ctx.train(), ctx.random(), ctx.config().hessianIterations(), 1e-3,
                adam.inverseSqrt(h.model().dataType())).ifPresent(top -> {
                    ctx.put("hessian_top_preconditioned", top.eigenvalue() * scale);
                    ctx.put("hessian_top_preconditioned_residual", top.residual() * scale);
                    ctx.put("edge_of_stability", top.eigenvalue() * scale * ctx.learningRate() / adam.threshold());
                });
    }

    /**
     * The stability threshold {@code c} of {@code model}'s optimizer ({@code ηλ < c}): 2 for {@link Sgd},
     * {@code (2 + 2β)/(1 + 2β)} for {@link Nesterovs} (its momentum at this iteration and epoch); NaN for any other
     * optimizer, or when the trainable layers do not share one ({@link NoOp}, frozen layers, is left out).
     */
    public static double threshold(Model model, long iteration, int epoch) {
        double c = Double.NaN;
        for (org.deeplearning4j.nn.api.Layer l : Models.layers(model)) {
            if (l.numParams() == 0 || !(l.conf().getLayer() instanceof BaseLayer b) || b.getIUpdater() == null
                    || b.getIUpdater() instanceof NoOp) {
                continue;
            }
            double here = threshold(b.getIUpdater(), iteration, epoch);
            if (Double.isNaN(here) || (!Double.isNaN(c) && here != c)) {
                return Double.NaN;
            }
            c = here;
        }
        return c;
    }

    private static double threshold(IUpdater u, long iteration, int epoch) {
        if (u.getClass() == Sgd.class) {
            return 2;
        }
        if (u.getClass() == Nesterovs.class) {
            Nesterovs n = (Nesterovs) u;
            double beta = n.currentMomentum((int) Math.min(iteration, Integer.MAX_VALUE), epoch); // its schedule's
            return (2 + 2 * beta) / (1 + 2 * beta);
        }
        return Double.NaN;
    }

    /** Whether the probe loss, and so its Hessian, is a sum over examples ({@code miniBatch(false)}). */
    private static boolean summed(EvaluationContext ctx) {
        return ctx.workbench().floatModel().summedOverExamples();
    }
}
