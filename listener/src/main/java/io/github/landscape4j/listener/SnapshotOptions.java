package io.github.landscape4j.listener;

import io.github.landscape4j.direction.Normalization;
import io.github.landscape4j.engine.SnapshotConfig;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The snapshot options ({@link SnapshotConfig}) from and to their strings, by {@link ConfigOption}. */
final class SnapshotOptions {
    private SnapshotOptions() {
    }

    static SnapshotConfig parse(LandscapeConfig.Parser p) {
        int grid = (int) p.integer(ConfigOption.GRID);
        double range = p.positive(ConfigOption.RANGE);
        Normalization normalization = Normalization.valueOf(p.choice(ConfigOption.NORMALIZATION)
                .toUpperCase(Locale.ROOT));
        boolean biasBn = p.bool(ConfigOption.BIAS_BN);
        Set<String> planes = new LinkedHashSet<>();
        String planeValue = p.string(ConfigOption.PLANES).trim();
        if (!planeValue.equalsIgnoreCase("none")) {
            for (String name : planeValue.split("\\+")) {
                String n = name.trim().toLowerCase(Locale.ROOT);
                if (SnapshotConfig.PLANE_NAMES.contains(n)) {
                    planes.add(n);
                } else {
                    p.bad(ConfigOption.PLANES);
                    break;
                }
            }
        }
        boolean slices = p.bool(ConfigOption.SLICES);
        double epsilon = p.positive(ConfigOption.EPSILON);
        int k = (int) p.integer(ConfigOption.SHARPNESS_K);
        int steps = (int) p.integer(ConfigOption.ASCENT_STEPS);
        int power = (int) p.integer(ConfigOption.HESSIAN_ITERATIONS);
        int hutchinson = (int) p.integer(ConfigOption.HUTCHINSON);
        double traceSe = SnapshotConfig.DEFAULT_TRACE_SE;
        try {
            traceSe = Double.parseDouble(p.string(ConfigOption.TRACE_SE));
            if (!(traceSe >= 0 && traceSe < 1)) {
                p.bad(ConfigOption.TRACE_SE);
                traceSe = SnapshotConfig.DEFAULT_TRACE_SE;
            }
        } catch (NumberFormatException e) {
            p.bad(ConfigOption.TRACE_SE);
        }
        boolean perTensorMeasures = p.bool(ConfigOption.PER_TENSOR_MEASURES);
        boolean boxAll = p.choice(ConfigOption.SHARPNESS_BOX).equals("all");
        boolean curvatureAll = p.choice(ConfigOption.CURVATURE).equals("all");
        boolean centred = p.choice(ConfigOption.PCA).equals("centred");
        return new SnapshotConfig(grid, range, normalization,
                biasBn, planes, slices, epsilon, k, steps, power, hutchinson, perTensorMeasures, boxAll, curvatureAll,
                centred, traceSe, p.bool(ConfigOption.PLANE_VALIDATION));
    }

    static Map<String, String> asOptions(SnapshotConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ConfigOption.GRID.key(), Integer.toString(c.grid()));
        m.put(ConfigOption.RANGE.key(), Double.toString(c.range()));
        m.put(ConfigOption.NORMALIZATION.key(), c.normalization().name().toLowerCase(Locale.ROOT));
        m.put(ConfigOption.BIAS_BN.key(), Boolean.toString(c.biasBn()));
        m.put(ConfigOption.PLANES.key(), c.planesOption());
        m.put(ConfigOption.SLICES.key(), Boolean.toString(c.slices()));
        m.put(ConfigOption.EPSILON.key(), Double.toString(c.epsilon()));
        m.put(ConfigOption.SHARPNESS_K.key(), Integer.toString(c.sharpnessK()));
        m.put(ConfigOption.ASCENT_STEPS.key(), Integer.toString(c.ascentSteps()));
        m.put(ConfigOption.HESSIAN_ITERATIONS.key(), Integer.toString(c.hessianIterations()));
        m.put(ConfigOption.HUTCHINSON.key(), Integer.toString(c.hutchinson()));
        m.put(ConfigOption.TRACE_SE.key(), Double.toString(c.traceSe()));
        m.put(ConfigOption.PLANE_VALIDATION.key(), Boolean.toString(c.planeValidation()));
        m.put(ConfigOption.PER_TENSOR_MEASURES.key(), Boolean.toString(c.perTensorMeasures()));
        m.put(ConfigOption.SHARPNESS_BOX.key(), c.sharpnessBoxAll() ? "all" : "weights");
        m.put(ConfigOption.CURVATURE.key(), c.curvatureAll() ? "all" : "weights");
        m.put(ConfigOption.PCA.key(), c.pcaCentred() ? "centred" : "uncentred");
        return m;
    }
}
