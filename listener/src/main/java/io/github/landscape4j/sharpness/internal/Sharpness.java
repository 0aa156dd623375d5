package io.github.landscape4j.sharpness.internal;

import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.surface.internal.Probe;
import io.github.landscape4j.surface.internal.ProbeModel;
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
 *   {@code |z_i| <= ε·(|θ_i| + 1)}, {@code 100 · (max L(θ+z) - L(θ)) / (1 + L(θ))}; the max approximated by projected
 *   gradient ascent (sign steps of a quarter of the box, projected back onto it), keeping the best point seen.
 *   {@code adaptive} scales the box by {@code |θ_i|} only (Kwon et al. 2021, ASAM; Andriushchenko et al. 2023),
 *   which makes it invariant to layer rescalings.</li>
 * </ul>
 * Directions and boxes are zero on batch-norm statistics (and on biases and batch-norm weights unless the run
 * includes them).
 */
public final class Sharpness {

    /** Mean and max of {@code |ΔL|}. */
    public record Random2(double mean, double max) {
    }

    private final ProbeModel model;
    private final Directions directions;

    public Sharpness(ProbeModel model, Directions directions) {
        this.model = model;
        this.directions = directions;
    }

    /** Random-perturbation sharpness; {@code only} restricts the directions to one tensor when not null. */
    public Random2 randomPerturbation(INDArray theta, double base, Probe probe, int k, double eps, Random rng,
                                      io.github.landscape4j.store.ParameterTensor only) {
        INDArray p = model.params();
        double sum = 0;
        double max = 0;
        for (int i = 0; i < k; i++) {
            INDArray d = directions.random(rng, theta);
            if (only != null) {
                Directions.restrictTo(d, only);
            }
            p.assign(theta);
            Nd4j.getBlasWrapper().level1().axpy(p.length(), eps, d, p);
            double delta = Math.abs(model.evaluatePoint(probe).loss() - base);
            sum += delta;
            max = Math.max(max, delta);
        }
        model.load(theta);
        return new Random2(sum / k, max);
    }

    /**
     * Keskar's ε-sharpness (or its adaptive variant) by {@code steps} steps of projected gradient ascent. Returns
     * {@code {sharpness, max L found}}.
     */
    public double[] epsilonSharpness(ProbeModel gradientModel, INDArray theta, double base, Probe probe, double eps,
                                     int steps, boolean adaptive) {
        INDArray t = theta.castTo(gradientModel.dataType());
        INDArray bound = Transforms.abs(t, true);
        if (!adaptive) {
            bound.addi(1.0);
        }
        bound.muli(eps);
        directions.mask(bound);
        INDArray z = Nd4j.zerosLike(t);
        INDArray p = gradientModel.params();
        double best = base;
        for (int s = 0; s < steps; s++) {
            p.assign(t).addi(z);
            INDArray g = gradientModel.gradient(probe);
            z.addi(Transforms.sign(g, false).muli(bound).muli(0.25));
            z.assign(Transforms.min(Transforms.max(z, bound.neg(), false), bound, false)); // project onto the box
            p.assign(t).addi(z);
            best = Math.max(best, model == gradientModel ? gradientModel.evaluatePoint(probe).loss() : evaluateAt(p, probe));
        }
        gradientModel.load(t);
        return new double[]{100 * (best - base) / (1 + base), best};
    }

    private double evaluateAt(INDArray params, Probe probe) {
        model.load(params);
        return model.evaluatePoint(probe).loss();
    }
}
