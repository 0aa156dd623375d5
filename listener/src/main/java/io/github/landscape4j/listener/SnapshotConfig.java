package io.github.landscape4j.listener;

import io.github.landscape4j.direction.Normalization;
import io.github.landscape4j.listener.internal.SnapshotSchedule;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The options of landscape snapshots (see {@link ConfigOption} for names, defaults and allowed values).
 *
 * @param schedule          {@code off}, {@code every:N}, {@code epoch} or {@code budget:P%}
 * @param probeSize         examples per probe
 * @param grid              points per side of 2D surfaces and along 1D slices
 * @param range             half-width of the random plane and random slice
 * @param normalization     direction normalization
 * @param biasBn            whether directions move biases and batch-norm gamma/beta
 * @param planes            2D surfaces: a subset of {@code random}, {@code pca}, {@code hessian}
 * @param slices            whether 1D slices are computed
 * @param epsilon           radius of the sharpness measures
 * @param sharpnessK        random directions of the random-perturbation sharpness (0: off)
 * @param ascentSteps       gradient-ascent steps of ε-sharpness (0: off)
 * @param hessianIterations power-iteration steps (0: off)
 * @param hutchinson        Hutchinson samples (0: off)
 * @param perTensorMeasures whether per-tensor sharpness and top eigenvalue are computed
 * @param sharpnessBoxAll   ε-sharpness box over every trainable parameter (Metric 2.1) rather than the weights
 * @param curvatureAll      top eigenvalue, trace and probe gradient norm of every trainable parameter rather than
 *                          the weights-only block
 * @param pcaCentred        PCA of the trajectory centred (Li et al.'s code) rather than uncentred
 */
public record SnapshotConfig(String schedule, int probeSize, int grid, double range, Normalization normalization,
                             boolean biasBn, Set<String> planes, boolean slices, double epsilon, int sharpnessK,
                             int ascentSteps, int hessianIterations, int hutchinson, boolean perTensorMeasures,
                             boolean sharpnessBoxAll, boolean curvatureAll, boolean pcaCentred) {

    private static final Set<String> PLANE_NAMES = Set.of("random", "pca", "hessian");

    public SnapshotConfig {
        planes = Set.copyOf(planes);
    }

    /** Whether snapshots are taken at all. */
    public boolean enabled() {
        return SnapshotSchedule.parse(schedule).kind() != SnapshotSchedule.Kind.OFF;
    }

    static SnapshotConfig parse(LandscapeConfig.Parser p) {
        String schedule = p.string(ConfigOption.SNAPSHOT);
        if (SnapshotSchedule.parse(schedule) == null) {
            p.bad(ConfigOption.SNAPSHOT, "must be off, every:N (N >= 1), epoch or budget:P% (0 < P <= 100)");
        }
        int probeSize = (int) p.longIn(ConfigOption.PROBE_SIZE, 10, 1_000_000);
        int grid = (int) p.longIn(ConfigOption.GRID, 3, 201);
        double range = p.positive(ConfigOption.RANGE);
        Normalization normalization = Normalization.FILTER;
        try {
            normalization = Normalization.valueOf(p.string(ConfigOption.NORMALIZATION).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            p.bad(ConfigOption.NORMALIZATION, "must be filter, layer or none");
        }
        boolean biasBn = p.bool(ConfigOption.BIAS_BN);
        Set<String> planes = new LinkedHashSet<>();
        String planeValue = p.string(ConfigOption.PLANES).trim();
        if (!planeValue.equalsIgnoreCase("none")) {
            for (String name : planeValue.split("\\+")) {
                String n = name.trim().toLowerCase(Locale.ROOT);
                if (PLANE_NAMES.contains(n)) {
                    planes.add(n);
                } else {
                    p.bad(ConfigOption.PLANES, "must be none or names from random, pca, hessian joined by '+'");
                    break;
                }
            }
        }
        boolean slices = p.bool(ConfigOption.SLICES);
        double epsilon = p.positive(ConfigOption.EPSILON);
        int k = (int) p.longIn(ConfigOption.SHARPNESS_K, 0, 1000);
        int steps = (int) p.longIn(ConfigOption.ASCENT_STEPS, 0, 1000);
        int power = (int) p.longIn(ConfigOption.HESSIAN_ITERATIONS, 0, 1000);
        int hutchinson = (int) p.longIn(ConfigOption.HUTCHINSON, 0, 1000);
        boolean perTensorMeasures = p.bool(ConfigOption.PER_TENSOR_MEASURES);
        boolean boxAll = p.choice(ConfigOption.SHARPNESS_BOX, "all", "weights");
        boolean curvatureAll = p.choice(ConfigOption.CURVATURE, "all", "weights");
        boolean centred = p.choice(ConfigOption.PCA, "centred", "uncentred");
        return new SnapshotConfig(schedule.trim().toLowerCase(Locale.ROOT), probeSize, grid, range, normalization,
                biasBn, planes, slices, epsilon, k, steps, power, hutchinson, perTensorMeasures, boxAll, curvatureAll,
                centred);
    }

    Map<String, String> asOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ConfigOption.SNAPSHOT.key(), schedule);
        m.put(ConfigOption.PROBE_SIZE.key(), Integer.toString(probeSize));
        m.put(ConfigOption.GRID.key(), Integer.toString(grid));
        m.put(ConfigOption.RANGE.key(), Double.toString(range));
        m.put(ConfigOption.NORMALIZATION.key(), normalization.name().toLowerCase(Locale.ROOT));
        m.put(ConfigOption.BIAS_BN.key(), Boolean.toString(biasBn));
        m.put(ConfigOption.PLANES.key(), planes.isEmpty() ? "none" : String.join("+",
                Arrays.stream(new String[]{"random", "pca", "hessian"}).filter(planes::contains).toList()));
        m.put(ConfigOption.SLICES.key(), Boolean.toString(slices));
        m.put(ConfigOption.EPSILON.key(), Double.toString(epsilon));
        m.put(ConfigOption.SHARPNESS_K.key(), Integer.toString(sharpnessK));
        m.put(ConfigOption.ASCENT_STEPS.key(), Integer.toString(ascentSteps));
        m.put(ConfigOption.HESSIAN_ITERATIONS.key(), Integer.toString(hessianIterations));
        m.put(ConfigOption.HUTCHINSON.key(), Integer.toString(hutchinson));
        m.put(ConfigOption.PER_TENSOR_MEASURES.key(), Boolean.toString(perTensorMeasures));
        m.put(ConfigOption.SHARPNESS_BOX.key(), sharpnessBoxAll ? "all" : "weights");
        m.put(ConfigOption.CURVATURE.key(), curvatureAll ? "all" : "weights");
        m.put(ConfigOption.PCA.key(), pcaCentred ? "centred" : "uncentred");
        return m;
    }
}
