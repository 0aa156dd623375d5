package io.github.landscape4j.trajectory;

import io.github.landscape4j.trajectory.internal.PcaPlane;
import io.github.landscape4j.trajectory.internal.TrajectorySketch;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The Frequent Directions sketch's plane against the exact PCA of the same trajectory ({@link PcaPlane}, itself
 * tested against sklearn's PCA): close for a planted low-rank trajectory with noise, exact (to float rounding) when
 * the rows span fewer dimensions than the sketch has rows.
 */
class TrajectorySketchTest {
    private static final int D = 5_000;
    private static final int N = 200;

    /** n points θ_i = θ_0 + drift·t + a wave in two more directions + noise, floats. */
    private static List<INDArray> trajectory(int n, double noise, long seed) {
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        INDArray u = Nd4j.randn(rng, 3, D).castTo(DataType.DOUBLE);
        u.diviColumnVector(u.norm2(1).reshape(3, 1));
        double[][] f = new double[n][3];
        for (int i = 1; i < n; i++) {
            double t = (double) i / n;
            f[i] = new double[]{30 * t, 10 * Math.sin(2 * Math.PI * t), 3 * Math.cos(5 * t)};
        }
        INDArray rows = Nd4j.createFromArray(f).mmul(u).addiRowVector(Nd4j.randn(rng, 1, D).castTo(DataType.DOUBLE));
        if (noise > 0) {
            rows.get(NDArrayIndex.interval(1, n), NDArrayIndex.all())
                    .addi(Nd4j.randn(rng, n - 1, D).castTo(DataType.DOUBLE).muli(noise));
        }
        INDArray floats = rows.castTo(DataType.FLOAT);
        List<INDArray> path = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            path.add(floats.getRow(i, true).dup());
        }
        return path;
    }

    private static TrajectorySketch sketch(List<INDArray> path, int ell) {
        TrajectorySketch s = new TrajectorySketch(path.get(0), ell, 0);
        for (int i = 1; i < path.size(); i++) {
            s.add(path.get(i).dup(), i, 1, List.of());
        }
        return s;
    }

    private static double cos(INDArray a, INDArray b) {
        INDArray x = a.castTo(DataType.DOUBLE).reshape(D);
        INDArray y = b.castTo(DataType.DOUBLE).reshape(D);
        return Math.abs(x.mul(y).sumNumber().doubleValue() / x.norm2Number().doubleValue()
                / y.norm2Number().doubleValue());
    }

    @Test
    void sketchOfANoisyTrajectoryIsCloseToItsExactPca() {
        List<INDArray> path = trajectory(N, 0.02, 7);
        INDArray centre = path.get(N - 1);
        PcaPlane exact = PcaPlane.of(path, centre);
        TrajectorySketch s = sketch(path, 10);
        assertThat(s.shrinks()).as("the stream was longer than the sketch").isGreaterThan(100);
        TrajectorySketch.Plane plane = s.plane(centre, true);

        assertThat(cos(plane.pca().d1(), exact.d1())).isGreaterThan(0.999);
        assertThat(cos(plane.pca().d2(), exact.d2())).isGreaterThan(0.99);
        assertThat(plane.pca().explainedVariance()[0]).isCloseTo(exact.explainedVariance()[0], within(0.01));
        assertThat(plane.pca().explainedVariance()[1]).isCloseTo(exact.explainedVariance()[1], within(0.02));
        assertThat(plane.iterations()).hasSize(N);
        double scale = Math.abs(exact.path()[0][0]);
        for (int i = 0; i < N; i += 17) {
            for (int k = 0; k < 2; k++) {
                // signs of principal directions are arbitrary
                double sign = Math.signum(plane.pca().path()[0][k] * exact.path()[0][k]);
                assertThat(sign * plane.pca().path()[i][k]).as("path point %d, coordinate %d", i, k)
                        .isCloseTo(exact.path()[i][k], within(0.05 * scale));
            }
        }
    }

    @Test
    void sketchWithMoreRowsThanTheRankIsExact() {
        List<INDArray> path = trajectory(60, 0, 11); // rank 3
        INDArray centre = path.get(30).add(0.5f);
        TrajectorySketch s = sketch(path, 4);
        assertThat(s.shrinks()).isGreaterThan(50);
        for (boolean centred : new boolean[]{true, false}) {
            PcaPlane exact = PcaPlane.of(path, centre, centred);
            TrajectorySketch.Plane plane = s.plane(centre, centred);
            assertThat(cos(plane.pca().d1(), exact.d1())).as("centred %s", centred).isGreaterThan(1 - 1e-6);
            assertThat(cos(plane.pca().d2(), exact.d2())).as("centred %s", centred).isGreaterThan(1 - 1e-5);
            for (int k = 0; k < 2; k++) {
                assertThat(plane.pca().explainedVariance()[k]).isCloseTo(exact.explainedVariance()[k], within(1e-4));
            }
            double scale = Math.abs(exact.path()[59][0]);
            for (int i = 0; i < 60; i++) {
                for (int k = 0; k < 2; k++) {
                    double sign = Math.signum(plane.pca().path()[59][k] * exact.path()[59][k]);
                    assertThat(sign * plane.pca().path()[i][k]).isCloseTo(exact.path()[i][k], within(1e-3 * scale));
                }
            }
        }
    }

    @Test
    void forgottenPathPointsLeaveThePathNotTheSketch() {
        List<INDArray> path = trajectory(20, 0.02, 3);
        TrajectorySketch s = new TrajectorySketch(path.get(0), 5, 0);
        for (int i = 1; i < path.size(); i++) {
            s.add(path.get(i).dup(), i, 1, i % 2 == 0 ? List.of((long) i - 1) : List.of());
        }
        TrajectorySketch.Plane plane = s.plane(path.get(19), true);
        assertThat(plane.iterations()).containsExactly(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 19);
        assertThat(s.count()).isEqualTo(20);
    }

    @Test
    void aNonFiniteCheckpointIsLeftOut() {
        List<INDArray> path = trajectory(10, 0.02, 5);
        TrajectorySketch s = sketch(path, 4);
        INDArray diverged = path.get(9).dup();
        diverged.putScalar(3, Float.NaN);
        s.add(diverged, 10, 1, List.of());
        assertThat(s.count()).isEqualTo(10);
        TrajectorySketch.Plane plane = s.plane(path.get(9), true);
        assertThat(plane.pca().d1().norm2Number().doubleValue()).isCloseTo(1, within(1e-5));
        assertThat(java.util.Arrays.stream(plane.pca().explainedVariance()).allMatch(Double::isFinite)).isTrue();
    }
}
