package io.github.landscape4j.sharpness.internal;

import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Scratch;
import io.github.landscape4j.surface.internal.TensorPerturbations;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Internal: sharpness measures around {@code θ}.
 * <ul>
 *   <li>{@link #randomPerturbation}: {@code K} filter-normalized directions scaled by {@code ε}; mean and max of
 *   {@code |L(θ + ε·d_k) - L(θ)|}.</li>
 *   <li>{@link #epsilonSharpness}: Keskar, Mudigere, Nocedal, Smelyanskiy, Tang (ICLR 2017), Metric 2.1: box
 *   {@code |z_i| <= ε·(|θ_i| + 1)} over every trainable parameter (biases and batch-norm gamma/beta included, as in the
 *   paper; weights-only is an option), {@code 100 · (max L(θ+z) - L(θ)) / (1 + L(θ))}. The paper approximates the max
 *   with 10 L-BFGS-B iterations, which reach a corner of the box; here a projected sign ascent that starts at the
 *   corner the gradient points to (the exact maximizer of the loss's linearization over the box), then moves by
 *   {@code α·sign(g)·box} from the best point, {@code α = 2} first (a coordinate whose gradient sign flipped goes to
 *   the opposite face: corner to corner), halving {@code α} when a step does not raise the loss. It
 *   has converged when the projected step no longer moves the point (a corner whose signs agree with the gradient's:
 *   a KKT point of the box problem) or {@code α} fell below 1/64. The box problem is not concave (on a convex loss
 *   its maximum is at one of the box's corners, and finding the best is NP-hard in general), so such a point can be
 *   a local maximum: the remaining budget restarts the search from random corners and keeps the best. {@link
 *   Ascent} says how many candidate points and starts it took and whether its best point is a local maximum. {@code adaptive} scales the box by {@code |θ_i|} only (Kwon et al. 2021, ASAM;
 *   Andriushchenko et al. 2023), which makes it invariant to layer rescalings.</li>
 * </ul>
 * Random directions are zero on batch-norm statistics (and on biases and batch-norm weights unless the run includes
 * them); the ε-box never moves batch-norm statistics.
 */
public final class Sharpness {

    /**
     * Mean and max of {@code |ΔL|} over the {@code K} directions, and the mean's standard error (the values' sample
     * standard deviation over {@code √K}; NaN for one direction).
     */
    public record Random2(double mean, double max, double meanSe) {
        static Random2 of(double[] deltas) {
            Hessian.Estimate mean = Hessian.Estimate.of(deltas);
            return new Random2(mean.value(), java.util.Arrays.stream(deltas).max().orElse(0), mean.standardError());
        }
    }

    private final ProbeModel model;
    private final Directions directions;

    public Sharpness(ProbeModel model, Directions directions) {
        this.model = model;
        this.directions = directions;
    }

    /**
     * Random-perturbation sharpness; {@code only} restricts the directions to one tensor when not null. With
     * {@code batched} (for {@code only}'s tensor) the losses of all directions come from one batched evaluation
     * ({@link TensorPerturbations}); the directions are the same draws either way.
     */
    public Random2 randomPerturbation(INDArray theta, double base, Probe probe, int k, double eps, Random rng,
                                      io.github.landscape4j.store.ParameterTensor only, TensorPerturbations batched) {
        if (batched == null) {
            return randomPerturbation(theta, base, probe, k, eps, rng, only);
        }
        Scratch scratch = new Scratch("sharpness");
        INDArray all;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            all = Nd4j.create(theta.dataType(), k, theta.length());
        }
        java.util.List<INDArray> ds = new java.util.ArrayList<>();
        Directions.At at = directions.at(theta);
        try {
            for (int i = 0; i < k; i++) {
                try (MemoryWorkspace ignored = scratch.open()) { // drawing and normalizing: temporaries
                    ds.add(all.getRow(i).assign(at.random(rng, only)));
                }
            }
        } finally {
            scratch.release();
        }
        double[] deltas = new double[k];
        int i = 0;
        for (double loss : batched.losses(theta, ds, eps, probe)) { // DL4J's forward: outside any workspace
            deltas[i++] = Math.abs(loss - base);
        }
        return Random2.of(java.util.Arrays.copyOf(deltas, i));
    }

    /** Random-perturbation sharpness; {@code only} restricts the directions to one tensor when not null. */
    public Random2 randomPerturbation(INDArray theta, double base, Probe probe, int k, double eps, Random rng,
                                      io.github.landscape4j.store.ParameterTensor only) {
        return randomPerturbation(theta, base, probe, k, eps, rng, only, (java.util.function.Consumer<INDArray>) null);
    }

    /** As above; {@code drawn}, when given, receives each normalized direction {@code d_k} (a copy), in order. */
    public Random2 randomPerturbation(INDArray theta, double base, Probe probe, int k, double eps, Random rng,
                                      io.github.landscape4j.store.ParameterTensor only,
                                      java.util.function.Consumer<INDArray> drawn) {
        INDArray p = model.params();
        double[] deltas = new double[k];
        Scratch scratch = new Scratch("sharpness");
        Directions.At at = directions.at(theta);
        try {
            for (int i = 0; i < k; i++) {
                try (MemoryWorkspace ignored = scratch.open()) { // drawing and normalizing: temporaries
                    INDArray d = at.random(rng, only);
                    if (drawn != null) {
                        try (MemoryWorkspace out = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                            drawn.accept(d.dup());
                        }
                    }
                    p.assign(theta);
                    Nd4j.getBlasWrapper().level1().axpy(p.length(), eps, d, p);
                }
                deltas[i] = Math.abs(model.evaluatePoint(probe).loss() - base); // DL4J's forward: outside
            }
        } finally {
            scratch.release();
            model.load(theta);
        }
        return Random2.of(deltas);
    }

    /**
     * The result of an ε-sharpness ascent.
     *
     * @param sharpness  {@code 100 · (maxLoss - L(θ)) / (1 + L(θ))}
     * @param maxLoss    the largest probe loss found in the box
     * @param steps      loss evaluations of candidate points (each accepted one also costs a gradient)
     * @param starts     local searches run (the gradient's corner first, then random corners)
     * @param converged  whether the best point is a fixed point of the projected step (a local maximum of the box
     *                   problem) rather than where the step budget ran out
     */
    public record Ascent(double sharpness, double maxLoss, int steps, int starts, boolean converged) {
    }

    /**
     * Keskar's ε-sharpness (or its adaptive variant) with at most {@code maxSteps} candidate points of the
     * multi-start projected sign ascent described in the class comment; random restarts draw corners from
     * {@code rng}. {@code weightsOnly} restricts the box to what the run's directions move (the paper's box covers
     * every parameter: {@code false} is Metric 2.1).
     */
    public Ascent epsilonSharpness(ProbeModel gradientModel, INDArray theta, double base, Probe probe, double eps,
                                   int maxSteps, boolean adaptive, boolean weightsOnly, Random rng) {
        return epsilonSharpness(gradientModel, theta, base, probe, eps, maxSteps, adaptive, weightsOnly, rng, null);
    }

    /**
     * As above, with the probe gradient at {@code theta} given ({@code centreGradient}, not modified; null: computed
     * here): the snapshot computes it once for the gradient norm, ε- and adaptive sharpness.
     */
    public Ascent epsilonSharpness(ProbeModel gradientModel, INDArray theta, double base, Probe probe, double eps,
                                   int maxSteps, boolean adaptive, boolean weightsOnly, Random rng,
                                   INDArray centreGradient) {
        return epsilonSharpness(gradientModel, theta, base, probe, eps, maxSteps, adaptive, weightsOnly, rng,
                centreGradient, true);
    }

    /**
     * As above; without {@code restarts}, one local search from the gradient's corner that stops where it converges
     * or after {@code maxSteps} evaluations (a long single ascent: the reference {@code bench.sh curvature} measures
     * the default's convergence against).
     */
    public Ascent epsilonSharpness(ProbeModel gradientModel, INDArray theta, double base, Probe probe, double eps,
                                   int maxSteps, boolean adaptive, boolean weightsOnly, Random rng,
                                   INDArray centreGradient, boolean restarts) {
        INDArray t = theta.castTo(gradientModel.dataType());
        INDArray bound = Transforms.abs(t, true);
        if (!adaptive) {
            bound.addi(1.0);
        }
        bound.muli(eps);
        (weightsOnly ? directions : directions.allTrainable()).mask(bound);
        INDArray negBound = bound.neg();
        INDArray p = gradientModel.params();
        double best = base;
        boolean converged = false;
        int steps = 0;
        int starts = 0;
        while (steps < maxSteps && (restarts || starts == 0)) {
            INDArray z;
            double local;
            if (starts++ == 0) {
                z = Nd4j.zerosLike(t);
                local = base;
            } else {
                z = Transforms.sign(Nd4j.randn(rng, t.length()), false).castTo(t.dataType()).muli(bound);
                p.assign(t).addi(z);
                local = lossAt(gradientModel, p, probe);
                steps++;
            }
            p.assign(t).addi(z);
            INDArray sign = starts == 1 && centreGradient != null ? Transforms.sign(centreGradient, true).castTo(t.dataType())
                    : Transforms.sign(gradientModel.gradient(probe), false);
            double alpha = 2; // a whole box width: a coordinate whose gradient sign flipped goes to the other face
            boolean fixed = false;
            while (steps < maxSteps) {
                INDArray candidate = z.add(sign.mul(bound).muli(alpha));
                candidate.assign(Transforms.min(Transforms.max(candidate, negBound, false), bound, false));
                if (candidate.equals(z)) {
                    fixed = true; // the projected step does not move: signs agree with the gradient's
                    break;
                }
                p.assign(t).addi(candidate);
                double loss = lossAt(gradientModel, p, probe);
                steps++;
                if (loss > local) {
                    local = loss;
                    z = candidate;
                    p.assign(t).addi(z);
                    sign = Transforms.sign(gradientModel.gradient(probe), false);
                    alpha = 2;
                } else if ((alpha /= 2) < 1.0 / 64) {
                    fixed = true;
                    break;
                }
            }
            if (local > best || (local == best && fixed)) {
                best = local;
                converged = fixed;
            }
        }
        gradientModel.load(t);
        return new Ascent(100 * (best - base) / (1 + base), best, steps, starts, converged);
    }

    /** The probe loss at {@code params} (the gradient model's buffer), evaluated by the model the base came from. */
    private double lossAt(ProbeModel gradientModel, INDArray params, Probe probe) {
        if (model == gradientModel) {
            return model.evaluatePoint(probe).loss();
        }
        model.load(params);
        return model.evaluatePoint(probe).loss();
    }
}
