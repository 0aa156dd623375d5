package io.github.landscape4j.trajectory;

import io.github.landscape4j.trajectory.internal.PcaPlane;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Uncentred: a trajectory moving along two known orthogonal directions, recovered with their shares of
 * {@code Σ||θ_i - θ_c||²}. Centred (the default, Li et al.'s code through sklearn's PCA): directions and shares
 * against a singular value decomposition of the mean-centred rows (Commons Math), as sklearn computes them.
 */
class PcaPlaneTest {

    @Test
    void centredPlaneIsSklearnsPca() {
        int n = 300;
        int k = 12;
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(5);
        INDArray centre = Nd4j.randn(rng, n).castTo(DataType.DOUBLE);
        List<INDArray> path = new ArrayList<>();
        INDArray drift = Nd4j.randn(rng, n).castTo(DataType.DOUBLE);
        for (int i = 0; i < k; i++) {
            path.add(centre.add(drift.mul(k - i)).addi(Nd4j.randn(rng, n).castTo(DataType.DOUBLE).muli(2)));
        }
        double[][] rows = new double[k][];
        for (int i = 0; i < k; i++) {
            rows[i] = path.get(i).sub(centre).toDoubleVector();
        }
        var m = org.apache.commons.math3.linear.MatrixUtils.createRealMatrix(rows);
        double[] mean = new double[n];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                mean[j] += rows[i][j] / k;
            }
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                m.addToEntry(i, j, -mean[j]);
            }
        }
        var svd = new org.apache.commons.math3.linear.SingularValueDecomposition(m);
        double[] s = svd.getSingularValues();
        double total = 0;
        for (double v : s) {
            total += v * v;
        }
        PcaPlane plane = PcaPlane.of(path, centre);
        for (int c = 0; c < 2; c++) {
            INDArray want = Nd4j.createFromArray(svd.getV().getColumn(c));
            INDArray got = c == 0 ? plane.d1() : plane.d2();
            assertThat(Math.abs(got.mul(want).sumNumber().doubleValue())).isGreaterThan(1 - 1e-9);
            assertThat(plane.explainedVariance()[c]).isCloseTo(s[c] * s[c] / total, within(1e-9));
            double sign = Math.signum(got.mul(want).sumNumber().doubleValue());
            for (int i = 0; i < k; i++) { // path: the uncentred rows projected, centre at the origin
                double proj = Nd4j.createFromArray(rows[i]).mul(want).sumNumber().doubleValue();
                assertThat(plane.path()[i][c] * sign).isCloseTo(proj, within(1e-9 * (1 + Math.abs(proj))));
            }
        }
        PcaPlane uncentred = PcaPlane.of(path, centre, false);
        assertThat(uncentred.explainedVariance()[0]).isGreaterThan(plane.explainedVariance()[0] + 0.05);
    }

    @Test
    void divergedTrajectoryIsRefusedWithAMessage() {
        INDArray centre = Nd4j.zeros(DataType.DOUBLE, 4);
        INDArray bad = Nd4j.createFromArray(1.0, Double.NaN, 0.0, 2.0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PcaPlane.of(List.of(centre.add(1), bad), centre))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("diverged");
    }

    @Test
    void recoversTheTwoDirectionsAndTheirShares() {
        int n = 500;
        INDArray u = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(1), n).castTo(DataType.DOUBLE);
        u.divi(u.norm2Number());
        INDArray w = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(2), n).castTo(DataType.DOUBLE);
        w.subi(u.mul(u.mul(w).sumNumber().doubleValue())); // orthogonal to u
        w.divi(w.norm2Number());
        INDArray centre = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(3), n).castTo(DataType.DOUBLE);
        List<INDArray> path = new ArrayList<>();
        double[] a = new double[20];
        double[] b = new double[20];
        double sa = 0;
        double sb = 0;
        double ab = 0;
        for (int i = 0; i < 20; i++) {
            a[i] = 3.0 * Math.cos(i * 0.3) + 0.5;
            b[i] = Math.sin(i * 0.7);
            sa += a[i] * a[i];
            ab += a[i] * b[i];
        }
        for (int i = 0; i < 20; i++) {
            b[i] -= ab / sa * a[i]; // uncorrelated coordinates: the principal axes are exactly u and w
            sb += b[i] * b[i];
            path.add(centre.add(u.mul(a[i])).addi(w.mul(b[i])));
        }
        PcaPlane plane = PcaPlane.of(path, centre, false);
        double cos1 = Math.abs(plane.d1().mul(u).sumNumber().doubleValue());
        double cos2 = Math.abs(plane.d2().mul(w).sumNumber().doubleValue());
        assertThat(cos1).isGreaterThan(0.999);
        assertThat(cos2).isGreaterThan(0.999);
        assertThat(plane.explainedVariance()[0]).isCloseTo(sa / (sa + sb), within(1e-6));
        assertThat(plane.explainedVariance()[1]).isCloseTo(sb / (sa + sb), within(1e-6));
        double sign = Math.signum(plane.d1().mul(u).sumNumber().doubleValue());
        for (int i = 0; i < 20; i++) {
            assertThat(plane.path()[i][0] * sign).isCloseTo(a[i], within(1e-6));
        }
    }
}
