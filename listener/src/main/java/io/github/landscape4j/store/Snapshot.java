package io.github.landscape4j.store;

import java.util.List;
import java.util.Map;

/**
 * One landscape snapshot, taken around the parameters after iteration {@code iteration}.
 *
 * <p>Measures (NaN when switched off or not applicable), keys of {@link #measures()}:
 * {@code train_loss}, {@code train_loss_se} (standard error over the probe's examples), {@code train_accuracy},
 * {@code val_loss}, {@code val_loss_se}, {@code val_accuracy}, {@code gap} ({@code val_loss - train_loss}),
 * {@code accuracy_gap} ({@code train_accuracy - val_accuracy}), {@code probe_gradient_norm},
 * {@code sharpness_random_mean}, {@code sharpness_random_max}, {@code sharpness_eps}, {@code sharpness_adaptive},
 * {@code hessian_top}, {@code hessian_trace}, {@code diverged} (1 when the parameters or the probe outputs were not
 * finite: then every other measure is NaN, undefined, and there are no surfaces or slices). {@link #perTensor()} holds, per parameter tensor name, the measures with
 * only that tensor perturbed ({@code sharpness_random_mean}, {@code hessian_top}).
 *
 * @param index        0-based number of the snapshot in its run
 * @param iteration    DL4J iteration after whose update it was taken
 * @param epoch        DL4J epoch
 * @param wallMillis   milliseconds since the run started
 * @param seed         seed of the directions (the run's random plane is drawn from it, so it is the same for every
 *                     snapshot of a run)
 * @param probe        description of the probe(s): sizes, seed, source
 * @param surfaces     2D surfaces
 * @param slices       1D slices
 * @param measures     scalar measures by key
 * @param perTensor    per-tensor measures: tensor name → key → value
 * @param timingsMillis how long each part took, by part name, and {@code total}
 * @param level        how much was computed: {@code full} (every option as given), or a cheaper level the budget
 *                     schedule took when the full snapshot did not fit ({@code medium}, {@code coarse},
 *                     {@code quick}: see {@code io.github.landscape4j.engine.SnapshotLevel}); its grid and probe are
 *                     in {@link #surfaces()} and {@link #probe()}
 * @param spectrum     the Hessian's spectrum from the Lanczos run of {@code hessian_top}, or null (switched off,
 *                     power iteration on a model too big for a Lanczos basis, or recorded before spectra)
 */
public record Snapshot(int index, long iteration, int epoch, long wallMillis, long seed, Map<String, String> probe,
                       List<Surface> surfaces, List<Slice> slices, Map<String, Double> measures,
                       Map<String, Map<String, Double>> perTensor, Map<String, Double> timingsMillis, String level,
                       Spectrum spectrum) {

    /** A snapshot without a Hessian spectrum. */
    public Snapshot(int index, long iteration, int epoch, long wallMillis, long seed, Map<String, String> probe,
                    List<Surface> surfaces, List<Slice> slices, Map<String, Double> measures,
                    Map<String, Map<String, Double>> perTensor, Map<String, Double> timingsMillis, String level) {
        this(index, iteration, epoch, wallMillis, seed, probe, surfaces, slices, measures, perTensor, timingsMillis,
                level, null);
    }

    /** A snapshot at the full level. */
    public Snapshot(int index, long iteration, int epoch, long wallMillis, long seed, Map<String, String> probe,
                    List<Surface> surfaces, List<Slice> slices, Map<String, Double> measures,
                    Map<String, Map<String, Double>> perTensor, Map<String, Double> timingsMillis) {
        this(index, iteration, epoch, wallMillis, seed, probe, surfaces, slices, measures, perTensor, timingsMillis,
                "full");
    }

    /** The level; {@code full} for records written before levels existed. */
    @Override
    public String level() {
        return level == null || level.isEmpty() ? "full" : level;
    }

    /** A measure, or NaN when absent. */
    public double measure(String key) {
        Double v = measures.get(key);
        return v == null ? Double.NaN : v;
    }
}
