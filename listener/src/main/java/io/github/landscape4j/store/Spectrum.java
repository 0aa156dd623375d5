package io.github.landscape4j.store;

/**
 * The Hessian's eigenvalue spectrum at a snapshot, from the Lanczos run of its top eigenvalue (no further
 * Hessian-vector product): the run's Ritz values, largest first, with their stochastic Lanczos quadrature weights and
 * residuals. From the run's random start vector (Gaussian, over the measured block: every trainable parameter, or the
 * weights, as {@code hessian_top}) the weights estimate the spectral density {@code φ(t) = (1/n) Σ_i δ(t − λ_i)} of
 * the block's {@code n} eigenvalues as {@code Σ_j weights[j]·δ(t − values[j])} (Golub and Meurant 2010; Lin, Saad,
 * Yang 2016; Ghorbani, Krishnan, Xiao, ICML 2019; PyHessian, Yao et al. 2020, which draws it smoothed by a Gaussian):
 * for any polynomial {@code p} of degree below {@code 2·steps}, {@code Σ_j weights[j]·p(values[j]) = vᵀp(H)v}, whose
 * expectation is {@code (1/n)·tr p(H)}. One start vector: the density is a single sample, and with the few steps of
 * the top eigenvalue's run its nodes are coarse; the largest values converge first. Each residual
 * {@code ||H·y − θ·y||} bounds the distance from its value to an eigenvalue of the Hessian (for the top values, read
 * them as "an eigenvalue lies within"; for unconverged ones, a quadrature node and nothing more).
 *
 * @param values    Ritz values, largest first, in the loss's units per squared parameter unit
 * @param weights   quadrature weights, summing to 1
 * @param residuals residual of each Ritz pair
 * @param scope     the measured block: {@code all} or {@code weights}
 */
public record Spectrum(double[] values, double[] weights, double[] residuals, String scope) {
}
