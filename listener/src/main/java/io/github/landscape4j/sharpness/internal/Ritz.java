package io.github.landscape4j.sharpness.internal;

/**
 * Every Ritz pair of a Lanczos run over the whole measured block from a random start, largest first: values,
 * quadrature weights (the squared first components of the tridiagonal matrix's unit eigenvectors, summing to 1) and
 * residuals {@code ||Hy − θy||} (some eigenvalue of the Hessian lies within each of its value). From a random start
 * these are the nodes and weights of stochastic Lanczos quadrature of the spectral density (Golub and Meurant 2010;
 * Lin, Saad, Yang 2016; Ghorbani, Krishnan, Xiao, ICML 2019; PyHessian, Yao et al. 2020).
 */
public record Ritz(double[] values, double[] weights, double[] residuals) {
}
