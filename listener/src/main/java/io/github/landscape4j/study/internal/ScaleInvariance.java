package io.github.landscape4j.study.internal;

import java.util.Map;

/**
 * Internal: whether a measure is unchanged when a ReLU network's layers are rescaled
 * ({@code W1 → αW1, W2 → W2/α}),
 * which leaves the function, the losses and the accuracies unchanged (Dinh, Pascanu, Bengio, Bengio, ICML 2017:
 * "Sharp minima can generalize for deep nets"). A measure that is not can be made as sharp or as flat as one likes
 * without changing what the model does, so its correlation with the gap says something about training, not about
 * the function.
 */
public final class ScaleInvariance {
    private ScaleInvariance() {
    }

    /** The verdict and a note for the report. */
    public record Verdict(boolean invariant, String note) {
    }

    private static final Map<String, Verdict> KNOWN = Map.of(
            "train_loss", new Verdict(true, ""),
            "train_accuracy", new Verdict(true, ""),
            "sharpness_adaptive", new Verdict(true, "adaptive: the box scales with |θ_i|"),
            "sharpness_eps", new Verdict(false, "not scale-invariant: the box ε(|θ_i|+1) does not follow a layer's"
                    + " rescaling (Dinh et al. 2017)"),
            "hessian_top", new Verdict(false, "not scale-invariant: rescaling a ReLU layer by α scales its curvature"
                    + " by 1/α² (Dinh et al. 2017)"),
            "hessian_trace", new Verdict(false, "not scale-invariant: rescaling a ReLU layer by α scales its"
                    + " curvature by 1/α² (Dinh et al. 2017)"),
            "probe_gradient_norm", new Verdict(false, "not scale-invariant: the gradient scales with 1/α under a"
                    + " layer's rescaling"),
            "edge_of_stability", new Verdict(false, "not scale-invariant: built on λ_max"));

    /** The verdict for a measure; random sharpness depends on the directions' normalization. */
    public static Verdict of(String key, String normalization) {
        if (key.startsWith("sharpness_random")) {
            boolean filter = !"none".equalsIgnoreCase(normalization);
            return filter ? new Verdict(true, "directions " + normalization.toLowerCase(java.util.Locale.ROOT)
                    + "-normalized (Li et al. 2018)")
                    : new Verdict(false, "not scale-invariant: raw directions (normalization none)");
        }
        Verdict v = KNOWN.get(key);
        return v != null ? v : new Verdict(false, "scale invariance not known for this measure");
    }
}
