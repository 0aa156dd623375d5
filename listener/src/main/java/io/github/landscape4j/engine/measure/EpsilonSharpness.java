package io.github.landscape4j.engine.measure;

import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.engine.internal.Workbench;
import io.github.landscape4j.sharpness.internal.Sharpness;
import io.github.landscape4j.store.MeasureDescriptor;
import io.github.landscape4j.surface.internal.ProbeModel;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * ε-sharpness, Keskar, Mudigere, Nocedal, Smelyanskiy, Tang (ICLR 2017), Metric 2.1: {@code 100 · (max L(θ+z) −
 * L(θ)) / (1 + L(θ))} over the box {@code |z_i| ≤ ε(|θ_i|+1)} (every trainable parameter by default, as the paper;
 * the weights only as an option), the max by a projected ascent ({@link Sharpness#epsilonSharpness}) whose steps and
 * convergence are recorded; and adaptive sharpness (Kwon et al. 2021, ASAM; Andriushchenko et al. 2023), the box
 * scaled by {@code |θ_i|}. Both start from the snapshot's one centre gradient ({@link EvaluationContext#gradient()}).
 * Each value's {@code _converged} flag goes beside it: the page draws a value whose ascent had not converged as a
 * lower bound.
 */
public final class EpsilonSharpness implements Measure {

    @Override
    public String name() {
        return "epsilon sharpness";
    }

    @Override
    public boolean enabled(EvaluationContext ctx) {
        return ctx.config().ascentSteps() > 0;
    }

    @Override
    public List<MeasureDescriptor> descriptors(SnapshotConfig config) {
        String scope = config.sharpnessBoxAll() ? "all" : "weights";
        String keskar = "Keskar, Mudigere, Nocedal, Smelyanskiy, Tang, ICLR 2017, Metric 2.1";
        return List.of(
                new MeasureDescriptor("sharpness_eps", "ε-sharpness", "%", "sharpness_percent", keskar, scope, "",
                        "100·(max over the ε-box of L(θ+z) − L(θ)) / (1 + L(θ)), box |z_i| ≤ ε(|θ_i|+1)"),
                new MeasureDescriptor("sharpness_eps_steps", "ε-sharpness ascent evaluations", "count", "diagnostic",
                        keskar, scope, "", "loss evaluations the projected ascent took"),
                new MeasureDescriptor("sharpness_eps_converged", "ε-sharpness ascent converged", "flag",
                        "diagnostic", keskar, scope, "", "1 when the ascent's best point is a local maximum of the box"),
                new MeasureDescriptor("sharpness_adaptive", "adaptive sharpness", "%", "sharpness_percent",
                        "Kwon, Kim, Park, Choi, ICML 2021 (ASAM); Andriushchenko et al., ICML 2023", scope, "",
                        "ε-sharpness with the box scaled by |θ_i| (invariant to layer rescaling)"),
                new MeasureDescriptor("sharpness_adaptive_converged", "adaptive sharpness ascent converged", "flag",
                        "diagnostic", "Kwon, Kim, Park, Choi, ICML 2021 (ASAM)", scope, "",
                        "1 when the adaptive ascent's best point is a local maximum of its box problem"));
    }

    @Override
    public void compute(EvaluationContext ctx) {
        Workbench b = ctx.workbench();
        SnapshotConfig c = ctx.config();
        Sharpness sharpness = new Sharpness(b.floatModel(), b.directions());
        double base = ctx.measure("train_loss");
        boolean weightsOnly = !c.sharpnessBoxAll();
        // the ascent reads only the gradient's signs, so gradients in the model's own type suffice (no finite
        // difference is taken): the exact ones of a plain MLP, else DL4J's backward pass on the copy, where oneDNN's
        // float kernels run convolutions (it has no double ones). EpsilonSharpnessTest compares with the double
        // ascent: where float and double disagree on the sign of a near-zero component the two ascents part (a BN
        // CNN's maximum 0.16% lower in float on one machine, equal on another)
        ProbeModel gradients = b.floatModel();
        INDArray centre = ctx.centre();
        Sharpness.Ascent keskar = sharpness.epsilonSharpness(gradients, centre, base, ctx.train(),
                c.epsilon(), c.ascentSteps(), false, weightsOnly, ctx.random(), ctx.gradient());
        ctx.put("sharpness_eps", keskar.sharpness());
        ctx.put("sharpness_eps_steps", keskar.steps());
        ctx.put("sharpness_eps_converged", keskar.converged() ? 1.0 : 0.0);
        Sharpness.Ascent adaptive = sharpness.epsilonSharpness(gradients, centre, base, ctx.train(), c.epsilon(),
                c.ascentSteps(), true, weightsOnly, ctx.random(), ctx.gradient());
        ctx.put("sharpness_adaptive", adaptive.sharpness());
        ctx.put("sharpness_adaptive_converged", adaptive.converged() ? 1.0 : 0.0);
    }
}
