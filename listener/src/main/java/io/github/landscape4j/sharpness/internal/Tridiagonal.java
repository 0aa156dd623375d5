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

    /** The same buffer, offset and length: the caller passed the same (unmodified) centre again. */
    static boolean sameArray(INDArray a, INDArray b) {
        return a == b || (b != null && a.data() == b.data() && a.offset() == b.offset() && a.length() == b.length()
                && a.dataType() == b.dataType());
    }
}
