package io.github.landscape4j.engine;

import io.github.landscape4j.direction.Normalization;

import java.util.Set;

/**
 * The options of landscape snapshots (see {@code io.github.landscape4j.listener.ConfigOption} for
 * names, defaults and allowed values; {@code LandscapeConfig.defaults().snapshots()} gives the defaults).
 *
 * @param grid              points per side of 2D surfaces and along 1D slices
 * @param range             half-width of the random plane and random slice
 * @param normalization     direction normalization
 * @param biasBn            whether directions move biases and batch-norm gamma/beta
 * @param planes            2D surfaces: a subset of {@code random}, {@code pca}, {@code hessian}
 * @param slices            whether 1D slices are computed
 * @param epsilon           radius of the sharpness measures
 * @param sharpnessK        random directions of the random-perturbation sharpness (0: off)
 * @param ascentSteps       gradient-ascent steps of ε-sharpness (0: off)
 * @param hessianIterations Hessian-vector products at most for the top eigenvalue (Lanczos steps; 0: off)
 * @param hutchinson        Hutchinson samples (0: off)
 * @param perTensorMeasures whether per-tensor sharpness and top eigenvalue are computed
 * @param sharpnessBoxAll   ε-sharpness box over every trainable parameter (Metric 2.1) rather than the weights
 * @param curvatureAll      top eigenvalue, trace and probe gradient norm of every trainable parameter rather than
 *                          the weights-only block
 * @param pcaCentred        PCA of the trajectory centred (Li et al.'s code) rather than uncentred
 * @param traceSe           Hutchinson samples beyond {@code hutchinson} (up to 4x) until the trace's standard error
 *                          is at most this fraction of it; 0: exactly {@code hutchinson}
 * @param planeValidation   whether 2D planes also evaluate the validation probe (slices always do): the page draws
 *                          train-loss surfaces, and each grid point on it costs another forward pass
 */
public record SnapshotConfig(int grid, double range, Normalization normalization,
                             boolean biasBn, Set<String> planes, boolean slices, double epsilon, int sharpnessK,
                             int ascentSteps, int hessianIterations, int hutchinson, boolean perTensorMeasures,
                             boolean sharpnessBoxAll, boolean curvatureAll, boolean pcaCentred, double traceSe,
                             boolean planeValidation) implements java.io.Serializable {

    /** The default {@link #traceSe}. */
    public static final double DEFAULT_TRACE_SE = 0.05;
    /** At most this many times {@link #hutchinson} samples when {@link #traceSe} asks for more. */
    public static final int TRACE_SAMPLES_FACTOR = 4;

    /** The planes a snapshot can compute, in the order they are computed. */
    public static final java.util.List<String> PLANE_NAMES = java.util.List.of("random", "pca", "hessian");

    /** As the canonical constructor with the default {@link #traceSe} and no validation planes. */
    public SnapshotConfig(int grid, double range, Normalization normalization, boolean biasBn, Set<String> planes,
                          boolean slices, double epsilon, int sharpnessK, int ascentSteps, int hessianIterations,
                          int hutchinson, boolean perTensorMeasures, boolean sharpnessBoxAll, boolean curvatureAll,
                          boolean pcaCentred) {
        this(grid, range, normalization, biasBn, planes, slices, epsilon, sharpnessK, ascentSteps, hessianIterations,
                hutchinson, perTensorMeasures, sharpnessBoxAll, curvatureAll, pcaCentred, DEFAULT_TRACE_SE, false);
    }

    public SnapshotConfig {
        planes = Set.copyOf(planes);
        if (!(traceSe >= 0 && traceSe < 1)) {
            throw new IllegalArgumentException("traceSe=" + traceSe + ": must be 0 or a number in (0, 1)");
        }
        if (!PLANE_NAMES.containsAll(planes)) {
            throw new IllegalArgumentException("planes " + planes + ": allowed are " + PLANE_NAMES);
        }
        if (grid < 3) {
            throw new IllegalArgumentException("grid=" + grid + ": must be >= 3");
        }
    }

    /** The same options with {@code grid} points per side (e.g. 51, Li et al.'s default, for an offline surface). */
    public SnapshotConfig withGrid(int grid) {
        return new SnapshotConfig(grid, range, normalization, biasBn, planes, slices, epsilon, sharpnessK, ascentSteps,
                hessianIterations, hutchinson, perTensorMeasures, sharpnessBoxAll, curvatureAll, pcaCentred, traceSe,
                planeValidation);
    }

    /** The same options with only {@code planes} as 2D surfaces. */
    public SnapshotConfig withPlanes(Set<String> planes) {
        return new SnapshotConfig(grid, range, normalization, biasBn, planes, slices, epsilon, sharpnessK, ascentSteps,
                hessianIterations, hutchinson, perTensorMeasures, sharpnessBoxAll, curvatureAll, pcaCentred, traceSe,
                planeValidation);
    }

    /** The planes as their option value: names joined by '+' in computing order, or {@code none}. */
    public String planesOption() {
        return planes.isEmpty() ? "none" : String.join("+", PLANE_NAMES.stream().filter(planes::contains).toList());
    }
}
