package io.github.landscape4j.trajectory.internal;

import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Internal: the small eigenproblems of {@link TrajectorySketch}, in double on the JVM. The full-size vectors never
 * come here, only their Gram matrix.
 */
final class SketchPca {

    /**
     * Eigenvalues below this share of the largest one of the (diagonally scaled) Gram matrix of the spanning rows are
     * taken as linear dependence: the rows are floats, so finer distinctions are rounding.
     */
    private static final double DEPENDENT = 1e-6;

    private SketchPca() {
    }

    /**
     * The top two eigenpairs of the trajectory's scatter matrix restricted to the span of the rows
     * {@code W = [b_0 .. b_{m-1}; μ; e]}: sketch rows {@code b_j}, mean row {@code μ}, centre offset {@code e}.
     * For {@code d = Wᵀz}: {@code dᵀ(BᵀB)d = |B Wᵀ z|²}, and {@code B Wᵀ}, {@code Wμ}, {@code We} are columns of
     * {@code G = W Wᵀ}, so {@code G} is all that is needed. The scatter is {@code BᵀB - n μμᵀ} (centred) or
     * {@code BᵀB - n(μeᵀ + eμᵀ) + n eeᵀ} (about the centre). With {@code ||d||² = zᵀGz} this is a generalized
     * eigenproblem, solved in an orthonormal basis of the span ({@code G}'s eigenvectors scaled by
     * {@code λ^-1/2}, dependent rows left out).
     *
     * @param g       {@code G}, (m+2)×(m+2)
     * @param m       number of sketch rows
     * @param n       total weight of the rows (their number for unit weights)
     * @param centred whether the scatter is about the rows' mean (else about the centre)
     * @return {@code [k] = z_k} (length m+2, {@code d_k = Wᵀz_k} of unit norm) for k = 0, 1, then
     *         {@code {λ_0, λ_1}} as a third row
     */
    static double[][] topTwo(double[][] g, int m, double n, boolean centred) {
        int q = m + 2;
        // Jacobi scaling, so that dependence is judged independently of the rows' magnitudes
        double[] s = new double[q];
        for (int i = 0; i < q; i++) {
            s[i] = g[i][i] > 0 ? 1 / Math.sqrt(g[i][i]) : 0;
        }
        RealMatrix gs = MatrixUtils.createRealMatrix(q, q);
        RealMatrix ks = MatrixUtils.createRealMatrix(q, q);
        for (int i = 0; i < q; i++) {
            for (int j = 0; j < q; j++) {
                gs.setEntry(i, j, s[i] * g[i][j] * s[j]);
                double k = 0;
                for (int r = 0; r < m; r++) {
                    k += g[i][r] * g[j][r];
                }
                double mu = g[i][m] * g[j][m];
                double cross = g[i][m] * g[j][m + 1] + g[i][m + 1] * g[j][m];
                double ee = g[i][m + 1] * g[j][m + 1];
                k += centred ? -n * mu : n * (ee - cross);
                ks.setEntry(i, j, s[i] * k * s[j]);
            }
        }
        EigenDecomposition eg = symmetricEigen(gs);
        double[] lambda = eg.getRealEigenvalues(); // descending
        int r = 0;
        while (r < q && lambda[r] > DEPENDENT * lambda[0]) {
            r++;
        }
        RealMatrix basis = MatrixUtils.createRealMatrix(q, Math.max(r, 1));
        for (int c = 0; c < r; c++) {
            basis.setColumnVector(c, eg.getEigenvector(c).mapMultiply(1 / Math.sqrt(lambda[c])));
        }
        RealMatrix h = basis.transpose().multiply(ks).multiply(basis);
        h = h.add(h.transpose()).scalarMultiply(0.5); // symmetric up to rounding
        EigenDecomposition eh = new EigenDecomposition(h);
        double[] values = eh.getRealEigenvalues();
        double[][] out = new double[3][];
        out[2] = new double[2];
        for (int k = 0; k < 2; k++) {
            double[] z = new double[q];
            if (k < r) {
                double[] y = basis.operate(eh.getEigenvector(k).toArray());
                for (int i = 0; i < q; i++) {
                    z[i] = s[i] * y[i];
                }
                out[2][k] = Math.max(values[k], 0);
            }
            out[k] = z;
        }
        return out;
    }

    /**
     * The FD shrink of {@code ℓ} rows from the eigenpairs of their Gram matrix {@code BBᵀ = UΛUᵀ}: with
     * {@code δ = λ_min}, the new rows are {@code sqrt(λ_j - δ) v_j = sqrt((λ_j - δ)/λ_j) u_jᵀB}, the ones whose
     * {@code λ_j - δ} is rounding dropped.
     *
     * @return {@code [0]} the ℓ×ℓ recombination {@code M} (new rows {@code = M·B}, the kept first, the rest zero),
     *         {@code [1]} the map of coefficients: a vector {@code cᵀB} is projected onto the new rows as
     *         {@code (T c)ᵀ·M·B}, {@code [2][0]} the number of rows kept
     */
    static double[][][] shrink(double[][] gram) {
        int l = gram.length;
        EigenDecomposition eig = symmetricEigen(MatrixUtils.createRealMatrix(gram));
        double[] lambda = eig.getRealEigenvalues(); // descending
        double delta = Math.max(lambda[l - 1], 0);
        double[][] m = new double[l][l];
        double[][] t = new double[l][l];
        int kept = 0;
        for (int j = 0; j < l; j++) {
            double rest = lambda[j] - delta;
            if (!(rest > DEPENDENT * lambda[0])) {
                break;
            }
            double[] u = eig.getEigenvector(j).toArray();
            double scale = Math.sqrt(rest / lambda[j]);
            for (int i = 0; i < l; i++) {
                m[kept][i] = scale * u[i];
                t[kept][i] = u[i] / scale; // projection of cᵀB on v_j is (cᵀu_j)σ_j, the new row is σ'_j v_j
            }
            kept++;
        }
        return new double[][][]{m, t, {{kept}}};
    }

    /**
     * The eigendecomposition of {@code a}, a Gram matrix symmetric but for rounding, taken as symmetric. A product
     * {@code B·Bᵀ} need not be bit-symmetric (OpenBLAS's AVX-512 sgemm sums {@code (i, j)} and {@code (j, i)}
     * differently, by float rounding), and Commons Math then takes its general (Schur) path, whose
     * eigenvalues are not sorted and whose eigenvectors are not orthonormal; its mean with its transpose is exactly
     * symmetric, so the eigenvalues come descending with orthonormal eigenvectors.
     */
    static EigenDecomposition symmetricEigen(RealMatrix a) {
        int n = a.getRowDimension();
        RealMatrix s = MatrixUtils.createRealMatrix(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double v = 0.5 * (a.getEntry(i, j) + a.getEntry(j, i));
                s.setEntry(i, j, v);
                s.setEntry(j, i, v);
            }
        }
        return new EigenDecomposition(s);
    }
}
