package io.github.landscape4j.listener.internal;

import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.store.internal.IterationRow;
import io.github.landscape4j.store.internal.StoreWriter;
import io.github.landscape4j.trajectory.internal.NormRecorder;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Internal: one run's per-iteration scalars: the gradient norm read in {@code onGradientCalculation} (before the
 * updater overwrites the buffer), then in {@code iterationDone} the update and weight norms, score and learning rate,
 * as one row every {@code every} iterations (per tensor on every {@code tensorEvery}-th row). Not thread-safe: its
 * run calls it under the run's lock.
 */
final class RunScalars {
    private final LandscapeConfig config;
    private final StoreWriter writer;
    private final NormRecorder norms;
    private final int tensorCount;
    private final long startNanos;
    private double gradientNorm;
    private boolean gradientSeen;
    private double[] gradientByTensor;

    RunScalars(LandscapeConfig config, StoreWriter writer, NormRecorder norms, int tensorCount, long startNanos) {
        this.config = config;
        this.writer = writer;
        this.norms = norms;
        this.tensorCount = tensorCount;
        this.startNanos = startNanos;
    }

    /** In {@code onGradientCalculation}: the raw gradient's norm, as the gradient of the mean minibatch loss. */
    void gradient(Model model, int iteration) {
        if (iteration % config.every() != 0) {
            return;
        }
        INDArray g = model.gradient().gradient();
        double scale = 1.0 / Models.gradientDivisor(model);
        if (perTensorDue(iteration)) {
            gradientByTensor = new double[tensorCount];
            gradientNorm = norms.copiedNorms(g, scale, gradientByTensor);
        } else {
            gradientNorm = NormRecorder.norm(g, scale);
        }
        gradientSeen = true;
    }

    private boolean perTensorDue(long iteration) {
        return config.perTensor() && (iteration / config.every()) % config.tensorEvery() == 0;
    }

    /** In {@code iterationDone}: the row of this iteration, when one is due. */
    void iterationDone(Model model, int iteration, int epoch) {
        if (iteration % config.every() != 0) {
            return;
        }
        INDArray params = model.params();
        INDArray updateBuffer = model.gradient().gradient(); // DL4J left the applied update here
        double weight;
        double update;
        double[] w = null;
        double[] u = null;
        double[] g = null;
        if (perTensorDue(iteration)) {
            w = new double[tensorCount];
            u = new double[tensorCount];
            weight = norms.norms(params, 1.0, w);
            update = norms.copiedNorms(updateBuffer, 1.0, u);
            g = gradientByTensor;
            if (g == null) {
                g = new double[tensorCount];
                java.util.Arrays.fill(g, Double.NaN);
            }
        } else {
            weight = NormRecorder.norm(params, 1.0);
            update = NormRecorder.norm(updateBuffer, 1.0);
        }
        writer.addRow(new IterationRow(iteration, epoch, (System.nanoTime() - startNanos) / 1_000_000L,
                model.score(), Models.learningRate(model), gradientSeen ? gradientNorm : Double.NaN,
                update, weight, g, u, w));
        gradientByTensor = null;
        gradientSeen = false;
    }

    void release() {
        gradientByTensor = null;
    }
}
