package io.github.landscape4j.direction;

/**
 * How a random direction is scaled to the parameters it perturbs.
 */
public enum Normalization {
    /**
     * Filter normalization (Li, Xu, Taylor, Studer, Goldstein, NeurIPS 2018): per filter {@code j} of every weight
     * tensor, {@code d_j <- d_j / ||d_j|| * ||θ_j||}. A filter is a column {@code W[:, j]} of a dense layer's
     * {@code [nIn, nOut]} weights and a slice {@code W[j, ...]} of a convolution's {@code [nOut, nIn, kH, kW]}.
     * Makes surfaces invariant to the rescalings of a ReLU network (Dinh et al. 2017).
     */
    FILTER,
    /** One norm per tensor: {@code d_t <- d_t / ||d_t|| * ||θ_t||}. */
    LAYER,
    /** Raw Gaussian directions: kept to show the scale trap. */
    NONE
}
