package io.github.landscape4j.sharpness.internal;

import org.apache.commons.math3.linear.EigenDecomposition;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/** Internal: small helpers of {@link Hessian}'s Lanczos iteration. */
final class Tridiagonal {
    private Tridiagonal() {
    }

    /** The largest eigenvalue of the {@code k x k} tridiagonal matrix (alpha; beta off the diagonal) and its vector. */
    static double[][] top(double[] alpha, double[] beta, int k) {
        if (k == 1) {
            return new double[][]{{alpha[0]}, {1}};
        }
        EigenDecomposition e = new EigenDecomposition(Arrays.copyOf(alpha, k), Arrays.copyOf(beta, k - 1));
        double[] values = e.getRealEigenvalues();
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return new double[][]{{values[best]}, e.getEigenvector(best).toArray()};
    }

    /**
     * Every Ritz pair of the {@code k x k} tridiagonal matrix of a Lanczos run whose last off-diagonal is
     * {@code beta[k - 1]}: eigenvalues (largest first), the squared first component of each unit eigenvector (the
     * quadrature weights, summing to 1) and the residual {@code |β_k·s_k|}.
     */
    static Ritz ritz(double[] alpha, double[] beta, int k) {
        if (k == 1) {
            return new Ritz(new double[]{alpha[0]}, new double[]{1}, new double[]{Math.abs(beta[0])});
        }
        EigenDecomposition e = new EigenDecomposition(Arrays.copyOf(alpha, k), Arrays.copyOf(beta, k - 1));
        double[] values = e.getRealEigenvalues();
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        double[][] out = new double[3][k];
        for (int i = 0; i < k; i++) {
            double[] s = e.getEigenvector(order[i]).toArray();
            double norm = 0;
            for (double x : s) {
                norm += x * x;
            }
            out[0][i] = values[order[i]];
            out[1][i] = s[0] * s[0] / norm;
            out[2][i] = Math.abs(beta[k - 1] * s[k - 1]) / Math.sqrt(norm);
        }
        return new Ritz(out[0], out[1], out[2]);
    }

    /** The same buffer, offset and length: the caller passed the same (unmodified) centre again. */
    static boolean sameArray(INDArray a, INDArray b) {
        return a == b || (b != null && a.data() == b.data() && a.offset() == b.offset() && a.length() == b.length()
                && a.dataType() == b.dataType());
    }
}
