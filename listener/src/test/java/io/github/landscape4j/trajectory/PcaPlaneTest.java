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

/** A trajectory moving along two known orthogonal directions: the plane recovers them and their variance shares. */
class PcaPlaneTest {

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
        PcaPlane plane = PcaPlane.of(path, centre);
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
