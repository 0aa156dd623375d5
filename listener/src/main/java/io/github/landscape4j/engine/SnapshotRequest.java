package io.github.landscape4j.engine;

import io.github.landscape4j.trajectory.internal.TrajectorySketch;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * What one snapshot is taken of: the centre parameters, the probes, the trajectory so far (for the PCA plane and
 * the interpolation slice) and the labels the snapshot record carries. Made with {@link #of(Probe)} and the
 * {@code with...} methods; every field but the train probe is optional.
 *
 * @param params               centre parameters (flattened, any data type); null: the engine's model's current ones
 * @param train                the train probe
 * @param validation           a held-out probe, or null
 * @param trajectory           checkpoints so far, oldest first (empty: no PCA plane)
 * @param trajectoryIterations the iteration of each checkpoint
 * @param initial              the initial parameters, for the interpolation slice; null: no interpolation slice
 * @param index                the snapshot's number in its run
 * @param iteration            the iteration it is taken after
 * @param epoch                the epoch
 * @param wallMillis           milliseconds since the run started
 * @param learningRate         the learning rate training used at this point (NaN: unknown)
 * @param label                what log lines call the snapshot's run
 * @param limitNanos           the longest it may take before it is abandoned ({@link SnapshotAbandoned})
 * @param cancelled            checked between parts and plane rows: true abandons it
 * @param sketch               internal: the listener's sketch of a trajectory whose checkpoints were not kept, for
 *                             the PCA plane when {@code trajectory} has fewer than two; null: none
 * @param batchSize            examples in the training minibatch the optimizer last stepped on (0: unknown); the
 *                             edge-of-stability ratio of a network that sums its loss over the minibatch
 *                             ({@code miniBatch(false)}) needs it and is not written without it
 * @param levelNanos           0: the full snapshot (every option as given); else the engine takes the richest
 *                             {@link SnapshotLevel} predicted to take at most this long, the cheapest (a glance) when none is
 *                             (see {@link #withLevels(long)})
 */
public record SnapshotRequest(INDArray params, Probe train, Probe validation, List<INDArray> trajectory,
                              long[] trajectoryIterations, INDArray initial, int index, long iteration, int epoch,
                              long wallMillis, double learningRate, String label, long limitNanos,
                              BooleanSupplier cancelled, TrajectorySketch sketch, long batchSize,
                              long levelNanos) {

    public SnapshotRequest {
        Objects.requireNonNull(train, "train probe");
        trajectory = List.copyOf(trajectory);
        if (batchSize < 0) {
            throw new IllegalArgumentException("batch size " + batchSize + ": the training minibatch's number of"
                    + " examples, or 0 when unknown");
        }
        if (trajectoryIterations.length != trajectory.size()) {
            throw new IllegalArgumentException(trajectory.size() + " checkpoints but "
                    + trajectoryIterations.length + " iterations");
        }
    }

    /** A snapshot of the engine's model at its current parameters on {@code train}, nothing else given. */
    public static SnapshotRequest of(Probe train) {
        return new SnapshotRequest(null, train, null, List.of(), new long[0], null, 0, 0, 0, 0, Double.NaN,
                "model", Long.MAX_VALUE, () -> false, null, 0, 0);
    }

    public SnapshotRequest withParams(INDArray params) {
        return new SnapshotRequest(params, train, validation, trajectory, trajectoryIterations, initial, index,
                iteration, epoch, wallMillis, learningRate, label, limitNanos, cancelled, sketch, batchSize, levelNanos);
    }

    public SnapshotRequest withValidation(Probe validation) {
        return new SnapshotRequest(params, train, validation, trajectory, trajectoryIterations, initial, index,
                iteration, epoch, wallMillis, learningRate, label, limitNanos, cancelled, sketch, batchSize, levelNanos);
    }

    public SnapshotRequest withTrajectory(List<INDArray> trajectory, long[] iterations, INDArray initial) {
        return new SnapshotRequest(params, train, validation, trajectory, iterations, initial, index, iteration,
                epoch, wallMillis, learningRate, label, limitNanos, cancelled, sketch, batchSize, levelNanos);
    }

    public SnapshotRequest at(int index, long iteration, int epoch, long wallMillis) {
        return new SnapshotRequest(params, train, validation, trajectory, trajectoryIterations, initial, index,
                iteration, epoch, wallMillis, learningRate, label, limitNanos, cancelled, sketch, batchSize, levelNanos);
    }

    public SnapshotRequest withLearningRate(double learningRate) {
        return new SnapshotRequest(params, train, validation, trajectory, trajectoryIterations, initial, index,
                iteration, epoch, wallMillis, learningRate, label, limitNanos, cancelled, sketch, batchSize, levelNanos);
    }

    public SnapshotRequest withLimit(String label, long limitNanos, BooleanSupplier cancelled) {
        return new SnapshotRequest(params, train, validation, trajectory, trajectoryIterations, initial, index,
                iteration, epoch, wallMillis, learningRate, label, limitNanos, cancelled, sketch, batchSize, levelNanos);
    }

    /** Internal: the trajectory sketch for the PCA plane (see {@link #sketch()}). */
    public SnapshotRequest withSketch(TrajectorySketch sketch) {
        return new SnapshotRequest(params, train, validation, trajectory, trajectoryIterations, initial, index,
                iteration, epoch, wallMillis, learningRate, label, limitNanos, cancelled, sketch, batchSize, levelNanos);
    }

    /**
     * Lets the engine take a cheaper {@link SnapshotLevel} when the full snapshot is predicted to take longer than
     * {@code levelNanos}: the richest level predicted to fit, else the cheapest. Predictions come from timed warm
     * evaluations of the probe and from the engine's earlier snapshots. When even the cheapest is predicted to break
     * {@link #limitNanos()}, the snapshot is abandoned at once ({@link SnapshotAbandoned#predictedNanos()} says what
     * the cheapest would cost). {@code 0}: always the full level (the default).
     */
    public SnapshotRequest withLevels(long levelNanos) {
        if (levelNanos < 0) {
            throw new IllegalArgumentException("levelNanos " + levelNanos + ": must be >= 0 (0: full level)");
        }
        return new SnapshotRequest(params, train, validation, trajectory, trajectoryIterations, initial, index,
                iteration, epoch, wallMillis, learningRate, label, limitNanos, cancelled, sketch, batchSize, levelNanos);
    }

    /** The same request on other probes (a level's subsamples). */
    SnapshotRequest withProbes(Probe train, Probe validation) {
        return new SnapshotRequest(params, train, validation, trajectory, trajectoryIterations, initial, index,
                iteration, epoch, wallMillis, learningRate, label, limitNanos, cancelled, sketch, batchSize, levelNanos);
    }

    /**
     * The training minibatch size, in examples ({@code 0}: unknown, the default). For a {@code miniBatch(false)}
     * network, whose loss is the sum over the minibatch, the edge-of-stability ratio concerns that sum's Hessian.
     */
    public SnapshotRequest withBatchSize(long batchSize) {
        return new SnapshotRequest(params, train, validation, trajectory, trajectoryIterations, initial, index,
                iteration, epoch, wallMillis, learningRate, label, limitNanos, cancelled, sketch, batchSize, levelNanos);
    }
}
