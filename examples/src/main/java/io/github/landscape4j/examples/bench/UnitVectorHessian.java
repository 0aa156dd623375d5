package io.github.landscape4j.examples.bench;

import io.github.landscape4j.sharpness.internal.Hessian;
import io.github.landscape4j.engine.Probe;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * The full Hessian of a small network for the benchmarks' reference values: one product with each unit vector
 * (central differences of DL4J's analytic gradient), symmetrized.
 *
 * @param matrix     the symmetrized Hessian
 * @param asymmetry  {@code ||H - Hᵀ|| / ||H||} of the products before symmetrizing (their own error)
 * @param eigenvalues its eigenvalues
 */
record UnitVectorHessian(RealMatrix matrix, double asymmetry, double[] eigenvalues) {

    static UnitVectorHessian of(Hessian products, INDArray theta, Probe probe) {
        int n = (int) theta.length();
        double[][] h = new double[n][];
        for (int i = 0; i < n; i++) {
            INDArray e = Nd4j.zeros(DataType.DOUBLE, n);
            e.putScalar(i, 1.0);
            h[i] = products.hvp(theta, e, probe).toDoubleVector();
        }
        RealMatrix raw = MatrixUtils.createRealMatrix(h);
        RealMatrix symmetric = raw.add(raw.transpose()).scalarMultiply(0.5);
        return new UnitVectorHessian(symmetric,
                raw.subtract(raw.transpose()).getFrobeniusNorm() / raw.getFrobeniusNorm(),
                new EigenDecomposition(symmetric).getRealEigenvalues());
    }

    /** The eigenvalue of largest magnitude, as power iteration finds it. */
    double top() {
        return Arrays.stream(eigenvalues).map(Math::abs).max().orElseThrow();
    }
}
