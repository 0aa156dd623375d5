package io.github.landscape4j.listener.internal;

import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.store.internal.IterationRow;
import io.github.landscape4j.store.internal.StoreWriter;
import io.github.landscape4j.trajectory.internal.NormRecorder;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Internal: one run's per-iteration scalars: the gradient norm read in {@code onGradientCalculation} (before the
 * updater overwrites the buffer), then in {@code iterationDone} the update and weight norms, score and learning rate,
 * as one row every {@code every} iterations (per tensor on every {@code tensorEvery}-th row). Not thread-safe: its
 * run calls it under the run's lock.
 *
 * <p>Cost on the training thread: the norms are BLAS dots on DL4J's own flattened gradient array, read through
 * {@code getFlattenedGradients()}, not through {@code gradient().gradient()}: that wraps the same buffer in a
 * freshly reshaped array on each call (~10 µs of ND4J shape bookkeeping, about a dot over the 80k floats of the
 * benchmark MLP). Being the same array every iteration, it also keeps its cached tensor views, so per-tensor norms
 * need no copy. That both are the same buffer is checked on the first row and every {@link #CHECK_EVERY}-th row;
 * a model whose gradient lives elsewhere is read through {@code gradient().gradient()}.
 *
 * <p>A step from outside {@code fit} (parameters set from outside, {@link RunSteps}) has no gradient: its row, written
 * whatever the cadence, has no gradient norms (NaN), and as its update the change of the parameters since the previous
 * step when that came from outside too (NaN otherwise), from a copy of the parameters kept once such a step is seen.
 */
final class RunScalars {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    private final LandscapeConfig config;
    private final StoreWriter writer;
    private final NormRecorder norms;
    private final int tensorCount;
    private final long startNanos;
    private double gradientNorm;
    private boolean gradientSeen;
    private double[] gradientByTensor;
    /** Rows between checks that DL4J's flattened gradient array is still the buffer {@code gradient()} wraps. */
    static final int CHECK_EVERY = 64;
    private long rows;
    /** Whether the last check found the flattened gradient array to be the gradient's buffer. */
    private boolean direct;

    /** Rows recorded so far (per-tensor norms go on every {@code tensorEvery}-th). */
    private long recorded;
    private final Cadence cadence;
    private final String runId;
    /** The parameters at the last step from outside fit; null before one, and after a step in fit. */
    private INDArray outsideParams;
    private boolean outsideSaid;

    RunScalars(LandscapeConfig config, StoreWriter writer, NormRecorder norms, int tensorCount, long startNanos,
               String runId) {
        this.config = config;
        this.writer = writer;
        this.norms = norms;
        this.tensorCount = tensorCount;
        this.startNanos = startNanos;
        this.cadence = new Cadence(config.every(), runId);
        this.runId = runId;
    }

    /** Whether a row is due at this iteration. */
    boolean due(long iteration) {
        return cadence.due(iteration);
    }

    /** In {@code onGradientCalculation}: the raw gradient's norm, as the gradient of the mean minibatch loss. */
    void gradient(Model model, int iteration) {
        if (!cadence.due(iteration)) {
            return;
        }
        long t0 = System.nanoTime();
        INDArray g = gradientBuffer(model, rows++ % CHECK_EVERY == 0);
        double scale = 1.0 / Models.gradientDivisor(model);
        if (perTensorDue(iteration)) {
            gradientByTensor = new double[tensorCount];
            gradientNorm = tensorNorms(g, scale, gradientByTensor);
        } else {
            gradientNorm = NormRecorder.norm(g, scale);
        }
        gradientSeen = true;
        cadence.spent(System.nanoTime() - t0, false);
    }

    private boolean perTensorDue(long iteration) {
        return config.perTensor() && recorded % config.tensorEvery() == 0;
    }

    /** In {@code iterationDone}: the row of this iteration, when one is due. */
    void iterationDone(Model model, int iteration, int epoch) {
        outsideParams = null; // the next step from outside has no previous one to measure its change from
        long t0 = System.nanoTime();
        cadence.stepEnded(t0);
        if (!cadence.due(iteration)) {
            return;
        }
        INDArray params = model.params();
        INDArray updateBuffer = gradientBuffer(model, false); // DL4J left the applied update here
        double weight;
        double update;
        double[] w = null;
        double[] u = null;
        double[] g = null;
        if (perTensorDue(iteration)) {
            w = new double[tensorCount];
            u = new double[tensorCount];
            weight = norms.norms(params, 1.0, w);
            update = tensorNorms(updateBuffer, 1.0, u);
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
        recorded++;
        cadence.spent(System.nanoTime() - t0, true);
    }

    /**
     * The row of a step from outside {@code fit}: no gradient norms; the update is the change of the parameters since
     * the previous step from outside (NaN for the first); the score is the model's (NaN when it never had one: DL4J's
     * default score of a model that computed no gradient is 0, not a loss).
     */
    void outsideStep(Model model, int iteration, int epoch) {
        if (!outsideSaid) {
            outsideSaid = true;
            LOG.info("landscape4j: run {}: the step at iteration {} came without a gradient (its parameters were set"
                    + " outside fit, e.g. averaged by dl4j-spark, or recorded with LandscapeListener.step): such rows"
                    + " have the parameters' norms, the change of parameters since the previous such step as their"
                    + " update, and no gradient norms (said once per run)", runId, iteration);
        }
        INDArray params = model.params();
        INDArray change = null;
        if (outsideParams != null) {
            change = outsideParams.rsubi(params); // the copy becomes the change, then the parameters again
        }
        boolean perTensor = perTensorDue(iteration);
        double[] w = perTensor ? new double[tensorCount] : null;
        double[] u = perTensor ? nans() : null;
        double weight = perTensor ? norms.norms(params, 1.0, w) : NormRecorder.norm(params, 1.0);
        double update = change == null ? Double.NaN
                : perTensor ? norms.norms(change, 1.0, u) : NormRecorder.norm(change, 1.0);
        outsideParams = change == null ? params.dup() : RunCheckpoints.fill(change, params);
        double score = model.score();
        if (score == 0 && model.gradient() == null) {
            score = Double.NaN;
        }
        writer.addRow(new IterationRow(iteration, epoch, (System.nanoTime() - startNanos) / 1_000_000L, score,
                Models.learningRate(model), Double.NaN, update, weight, perTensor ? nans() : null, u, w));
        gradientByTensor = null;
        gradientSeen = false;
        recorded++;
    }

    private double[] nans() {
        double[] a = new double[tensorCount];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    /**
     * The gradient buffer: DL4J's flattened gradient array when it is the one {@code gradient().gradient()} wraps
     * (checked when {@code check}, and always until a check found it so), else that wrapper.
     */
    private INDArray gradientBuffer(Model model, boolean check) {
        INDArray flat = model instanceof MultiLayerNetwork m ? m.getFlattenedGradients()
                : model instanceof ComputationGraph c ? c.getFlattenedGradients() : null;
        if (check || !direct || flat == null) {
            INDArray wrapped = model.gradient().gradient();
            // the wrapper's buffer is a new view object over the same memory: compare where they point
            direct = flat != null && flat.offset() == 0 && wrapped.offset() == 0
                    && flat.data().address() == wrapped.data().address() && flat.length() == wrapped.length()
                    && flat.dataType() == wrapped.dataType() && flat.elementWiseStride() == 1;
            return direct ? flat : wrapped;
        }
        return flat;
    }

    /** Per-tensor norms: on the array itself when it is the stable flattened one, else on a copy. */
    private double tensorNorms(INDArray buffer, double scale, double[] out) {
        return direct ? norms.norms(buffer, scale, out) : norms.copiedNorms(buffer, scale, out);
    }

    void release() {
        gradientByTensor = null;
        outsideParams = null;
    }
}
