package io.github.landscape4j.trajectory.internal;

import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Internal: the PCA-of-trajectory plane (Li et al. 2018, section 7). Rows {@code θ_i - θ_c} of the checkpoints
 * relative to the centre. Centred (the default, as Li et al.'s reference code, which runs sklearn's PCA): the rows'
 * mean is subtracted before the decomposition, so the directions and shares are those of the trajectory's variance
 * about its mean; uncentred: of {@code Σ ||θ_i - θ_c||²}. The top two principal directions come from the k×k Gram
 * matrix {@code B·Bᵀ} of the rows {@code B} (centred or not; k is the bounded checkpoint count, so this stays small
 * however many parameters there are): for its eigenpairs {@code (λ, u)}, {@code d = Bᵀu / sqrt(λ)} is a unit
 * direction and {@code λ / Σλ} its share of the variance. The path's coordinates are the projections of the
 * uncentred rows, {@code (θ_i - θ_c)·d}, as in the reference code, so the centre is at the origin.
 *
 * @param d1                first principal direction (unit norm, rank 1)
 * @param d2                second principal direction
 * @param explainedVariance share of {@code Σ ||θ_i - θ_c||²} along d1 and d2
 * @param path              coordinates {@code [i] = {a, b}} of each checkpoint
 */
public record PcaPlane(INDArray d1, INDArray d2, double[] explainedVariance, double[][] path) {

    /** The centred plane of {@code checkpoints} around {@code centre}. */
    public static PcaPlane of(List<INDArray> checkpoints, INDArray centre) {
        return of(checkpoints, centre, true);
    }

    /**
     * The plane of {@code checkpoints} around {@code centre}, centred or not; needs at least two checkpoints (three
     * for a second centred direction) and finite values.
     *
     * @throws IllegalArgumentException for fewer than two checkpoints or a non-finite value
     */
    public static PcaPlane of(List<INDArray> checkpoints, INDArray centre, boolean centred) {
        int k = checkpoints.size();
        if (k < 2) {
            throw new IllegalArgumentException("a PCA plane needs at least 2 checkpoints, got " + k);
        }
        long n = centre.length();
        INDArray c = centre.reshape(n).castTo(DataType.DOUBLE);
        INDArray a = Nd4j.create(DataType.DOUBLE, k, n);
        for (int i = 0; i < k; i++) {
            a.getRow(i).assign(checkpoints.get(i).reshape(n).castTo(DataType.DOUBLE).subi(c));
        }
        if (!Double.isFinite(a.sumNumber().doubleValue()) || !Double.isFinite(c.sumNumber().doubleValue())) {
            throw new IllegalArgumentException("a PCA plane needs finite checkpoints and centre: the model has diverged");
        }
        INDArray b = centred ? a.subRowVector(a.mean(0)) : a;
        double[][] gram = b.mmul(b.transpose()).toDoubleMatrix();
        EigenDecomposition eig = SketchPca.symmetricEigen(MatrixUtils.createRealMatrix(gram));
        double[] values = eig.getRealEigenvalues(); // descending for symmetric matrices
        double total = 0;
        for (double v : values) {
            total += Math.max(v, 0);
        }
        INDArray[] dirs = new INDArray[2];
        double[] share = new double[2];
        for (int m = 0; m < 2; m++) {
            double lambda = Math.max(values[m], 0);
            INDArray u = Nd4j.createFromArray(eig.getEigenvector(m).toArray()).reshape(k, 1);
            INDArray d = b.transpose().mmul(u).reshape(n);
            dirs[m] = lambda > 0 ? d.divi(Math.sqrt(lambda)) : d.muli(0);
            share[m] = total > 0 ? lambda / total : 0;
        }
        double[] p1 = a.mmul(dirs[0].reshape(n, 1)).reshape(k).toDoubleVector();
        double[] p2 = a.mmul(dirs[1].reshape(n, 1)).reshape(k).toDoubleVector();
        double[][] path = new double[k][];
        for (int i = 0; i < k; i++) {
            path[i] = new double[]{p1[i], p2[i]};
        }
        return new PcaPlane(dirs[0].castTo(centre.dataType()), dirs[1].castTo(centre.dataType()), share, path);
    }
}
