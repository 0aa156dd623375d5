package io.github.landscape4j.trajectory.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Internal: a bounded sketch of a trajectory for its PCA plane, for models whose checkpoints do not fit the budget.
 * Frequent Directions (Liberty, KDD 2013; Ghashami, Liberty, Phillips, Woodruff, SIAM J. Comput. 2016: the variant
 * that shrinks by the smallest squared singular value whenever the sketch is full) over the rows
 * {@code a_i = θ_i - θ_0} (offsets from the initial parameters, which keeps them small for floats): {@code ℓ} rows
 * {@code B} with {@code ||AᵀA - BᵀB||₂ ≤ ||A - A_k||_F² / (ℓ - k)} for every {@code k < ℓ}, exact while the
 * rows span fewer than {@code ℓ} dimensions. Beside it the rows' weighted mean {@code μ} and their exact sum of
 * squares. The plane ({@link #plane}) comes from the scatter {@code BᵀB - n μμᵀ} restricted to the span of
 * {@code B}, {@code μ} and the centre's offset (see {@link SketchPca#topTwo}); the explained shares are of the
 * exact total variance, so they are lower bounds (Weyl: at most {@code ||AᵀA - BᵀB||₂ / total} below the exact
 * ones). The path is kept as each row's coefficients over the sketch rows, projected onto the new rows at every
 * shrink, so a checkpoint's coordinates are those of its projection onto the sketch's row space.
 *
 * <p>Memory: {@code ℓ + 2} vectors of the parameter count ({@code B}, {@code μ} and the initial parameters, which
 * the caller may share) plus {@code ℓ} coefficients per path point. Every full-size operation is an ND4J array op;
 * the small eigenproblems are in double. Thread-safe: updated on one thread, read for snapshots on another.
 */
public final class TrajectorySketch {
    /** Columns recombined at a time in a shrink, so the scratch is ℓ×CHUNK floats, not a second sketch. */
    private static final long CHUNK = 1 << 20;

    private final INDArray initial;
    private final long length;
    private final int ell;
    private final INDArray rows;
    private final INDArray mean;
    private int used;
    private double weight;
    private double sumSquares;
    private long count;
    private long shrinks;
    /** Path point iteration → coefficients over the rows of {@link #rows}. */
    private final Map<Long, double[]> path = new LinkedHashMap<>();

    /**
     * A sketch of {@code ell} rows (at least 3, for two centred directions) whose first row is the initial point
     * itself ({@code a_0 = 0}, weight 1).
     *
     * @param initial   the initial parameters (kept by reference: nobody may write to them)
     * @param iteration the initial parameters' iteration
     */
    public TrajectorySketch(INDArray initial, int ell, long iteration) {
        if (ell < 3) {
            throw new IllegalArgumentException("a trajectory sketch needs at least 3 rows, got " + ell);
        }
        this.length = initial.length();
        this.initial = initial.reshape(length);
        this.ell = ell;
        DataType type = initial.dataType().isFPType() ? initial.dataType() : DataType.FLOAT;
        this.rows = Nd4j.create(type, ell, length);
        this.mean = Nd4j.create(type, length);
        this.weight = 1;
        this.count = 1;
        path.put(iteration, new double[ell]);
    }

    /** The number of sketch rows ℓ. */
    public int ell() {
        return ell;
    }

    /** How many checkpoints it has taken in, the initial one included. */
    public synchronized long count() {
        return count;
    }

    /** How many times its rows were shrunk (0: it is still exact). */
    public synchronized long shrinks() {
        return shrinks;
    }

    /**
     * Takes in the checkpoint {@code params} (at {@code iteration}) with a weight (the number of periodic
     * intervals it stands for), and forgets the path points of {@code forget}. {@code params} is used as scratch:
     * it holds {@code sqrt(w)(θ - θ_0)} afterwards. A checkpoint with a non-finite value is left out.
     */
    public synchronized void add(INDArray params, long iteration, double w, Collection<Long> forget) {
        forget.forEach(path::remove);
        INDArray a = params.reshape(length);
        a.subi(initial);
        double sq = Nd4j.getBlasWrapper().dot(a, a);
        if (!Double.isFinite(sq) || !(w > 0)) {
            return; // a stretch of divergence: it would poison every later plane
        }
        count++;
        weight += w;
        sumSquares += w * sq;
        double f = w / weight;
        mean.muli(1 - f);
        Nd4j.getBlasWrapper().level1().axpy(length, f, a, mean);
        a.muli(Math.sqrt(w));
        rows.getRow(used).assign(a);
        double[] c = new double[ell];
        c[used] = 1 / Math.sqrt(w);
        path.put(iteration, c);
        used++;
        if (used == ell) {
            shrink();
        }
    }

    /** Liberty's shrink, the SVD of the rows taken as the eigendecomposition of their ℓ×ℓ Gram matrix. */
    private void shrink() {
        double[][] gram = rows.mmul(rows.transpose()).castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][][] s = SketchPca.shrink(gram);
        INDArray m = Nd4j.createFromArray(s[0]).castTo(rows.dataType());
        for (long from = 0; from < length; from += CHUNK) {
            INDArray cols = rows.get(NDArrayIndex.all(), NDArrayIndex.interval(from, Math.min(length, from + CHUNK)));
            cols.assign(m.mmul(cols));
        }
        double[][] t = s[1];
        for (Map.Entry<Long, double[]> p : path.entrySet()) {
            double[] c = p.getValue();
            double[] next = new double[ell];
            for (int j = 0; j < ell; j++) {
                double v = 0;
                for (int i = 0; i < ell; i++) {
                    v += t[j][i] * c[i];
                }
                next[j] = v;
            }
            p.setValue(next);
        }
        used = (int) s[2][0][0];
        shrinks++;
    }

    /**
     * The plane of the trajectory so far around {@code centre} (PCA centred over the checkpoints, or about the
     * centre), with the path's iterations; null before two checkpoints or while every offset is zero.
     */
    public synchronized Plane plane(INDArray centre, boolean centred) {
        if (count < 2) {
            return null;
        }
        int m = used;
        INDArray e = centre.reshape(length).castTo(rows.dataType()).sub(initial);
        INDArray b = rows.get(NDArrayIndex.interval(0, m), NDArrayIndex.all());
        double[][] g = gram(b, m, e);
        double[][] top = SketchPca.topTwo(g, m, weight, centred);
        double total = centred ? sumSquares - weight * g[m][m]
                : sumSquares - 2 * weight * g[m][m + 1] + weight * g[m + 1][m + 1];
        // the sketch's variance never exceeds the rows' (BᵀB ≼ AᵀA) but for float rounding
        total = Math.max(total, top[2][0] + top[2][1]);
        if (!(total > 0)) {
            return null;
        }
        INDArray[] dirs = new INDArray[2];
        double[] share = new double[2];
        double[][] along = new double[2][];
        for (int k = 0; k < 2; k++) {
            double[] z = top[k];
            INDArray d = mean.mul(z[m]);
            Nd4j.getBlasWrapper().level1().axpy(length, z[m + 1], e, d);
            if (m > 0) {
                INDArray zb = Nd4j.createFromArray(Arrays.copyOf(z, m)).castTo(rows.dataType()).reshape(1, m);
                d.addi(zb.mmul(b).reshape(length));
            }
            double norm = d.norm2Number().doubleValue();
            if (norm > 0) {
                d.divi(norm);
            }
            dirs[k] = d;
            share[k] = Math.min(1, top[2][k] / total);
            // coordinates from G: row j of B dotted with d is (G z)_j, e·d is (G z)_{m+1}
            double[] gz = new double[m + 2];
            for (int i = 0; i < m + 2; i++) {
                for (int j = 0; j < m + 2; j++) {
                    gz[i] += g[i][j] * z[j];
                }
                gz[i] /= norm > 0 ? norm : 1;
            }
            along[k] = gz;
        }
        double[][] coords = new double[path.size()][];
        long[] iterations = new long[path.size()];
        int i = 0;
        for (Map.Entry<Long, double[]> p : path.entrySet()) {
            double[] c = p.getValue();
            coords[i] = new double[2];
            for (int k = 0; k < 2; k++) {
                double v = -along[k][m + 1];
                for (int j = 0; j < m; j++) {
                    v += c[j] * along[k][j];
                }
                coords[i][k] = v;
            }
            iterations[i++] = p.getKey();
        }
        return new Plane(new PcaPlane(dirs[0].castTo(centre.dataType()), dirs[1].castTo(centre.dataType()), share,
                coords), iterations, ell);
    }

    /** {@code G = W Wᵀ} of {@code W = [B; μ; e]} by ND4J products, in double. */
    private double[][] gram(INDArray b, int m, INDArray e) {
        double[][] g = new double[m + 2][m + 2];
        if (m > 0) {
            double[][] bb = b.mmul(b.transpose()).castTo(DataType.DOUBLE).toDoubleMatrix();
            double[] bm = b.mmul(mean.reshape(length, 1)).castTo(DataType.DOUBLE).reshape(m).toDoubleVector();
            double[] be = b.mmul(e.reshape(length, 1)).castTo(DataType.DOUBLE).reshape(m).toDoubleVector();
            for (int i = 0; i < m; i++) {
                System.arraycopy(bb[i], 0, g[i], 0, m);
                g[i][m] = bm[i];
                g[m][i] = bm[i];
                g[i][m + 1] = be[i];
                g[m + 1][i] = be[i];
            }
        }
        var blas = Nd4j.getBlasWrapper();
        g[m][m] = blas.dot(mean, mean);
        g[m][m + 1] = blas.dot(mean, e);
        g[m + 1][m] = g[m][m + 1];
        g[m + 1][m + 1] = blas.dot(e, e);
        return g;
    }

    /**
     * A plane from the sketch.
     *
     * @param pca        directions, explained shares (of the exact total variance) and path coordinates
     * @param iterations the path points' iterations
     * @param ell        the sketch's number of rows
     */
    public record Plane(PcaPlane pca, long[] iterations, int ell) {
    }
}
