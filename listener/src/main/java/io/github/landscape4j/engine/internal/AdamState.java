package io.github.landscape4j.engine.internal;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.NoOpUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Optional;

/**
 * Internal: Adam's preconditioner, read (never changed) from a model's updater state. DL4J's {@link AdamUpdater}
 * steps {@code θ -= η·m / d} with {@code m} the moving average of gradients (not bias-corrected) and, per parameter,
 * {@code d = (1 − β1^t)·(√v + ε) / √(1 − β2^t)}, {@code t} the step's iteration count + 1: so {@code d} is
 * {@code (1 − β1^t)·(√v̂ + ε')}, the preconditioner {@code P} of Cohen et al., "Adaptive gradient methods at the edge
 * of stability" (2022), with DL4J's placement of ε. Parameters no updater moves (a {@code NoOp} block: frozen
 * layers, batch-norm statistics) get an infinite divisor: {@code P⁻¹} is 0 there.
 *
 * @param divisor {@code d} per parameter, flattened in the model's parameter order (double precision)
 * @param beta1   the layers' common β1
 */
public record AdamState(INDArray divisor, double beta1) {

    /**
     * The preconditioner for the next step of {@code model}: empty unless every updater block is Adam with one β1
     * (or {@code NoOp}), the updater exists (a model that has taken a step) and its state covers the parameters.
     */
    public static Optional<AdamState> of(Model model) {
        Updater u = model instanceof MultiLayerNetwork m ? m.getUpdater(false)
                : model instanceof ComputationGraph g ? g.getUpdater(false) : null;
        if (!(u instanceof BaseMultiLayerUpdater<?> updater)) {
            return Optional.empty();
        }
        long t = (long) Models.iterationCount(model) + 1;
        INDArray d = Nd4j.valueArrayOf(new long[]{model.numParams()}, Double.POSITIVE_INFINITY, DataType.DOUBLE);
        double beta1 = Double.NaN;
        for (UpdaterBlock block : updater.getUpdaterBlocks()) {
            if (block.getGradientUpdater() instanceof NoOpUpdater) {
                continue;
            }
            if (!(block.getGradientUpdater() instanceof AdamUpdater adam) || adam.getV() == null) {
                return Optional.empty();
            }
            Adam conf = adam.getConfig();
            if (!Double.isNaN(beta1) && conf.getBeta1() != beta1) {
                return Optional.empty();
            }
            beta1 = conf.getBeta1();
            long n = block.getParamOffsetEnd() - block.getParamOffsetStart();
            INDArray v = adam.getV().reshape(adam.getV().length()).castTo(DataType.DOUBLE);
            if (v.length() != n) {
                return Optional.empty();
            }
            double scale = (1 - Math.pow(beta1, t)) / Math.sqrt(1 - Math.pow(conf.getBeta2(), t));
            d.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(block.getParamOffsetStart(),
                    block.getParamOffsetEnd())).assign(Transforms.sqrt(v, true).addi(conf.getEpsilon()).muli(scale));
        }
        return Double.isNaN(beta1) ? Optional.empty() : Optional.of(new AdamState(d, beta1));
    }

    /** {@code P^(-1/2)} per parameter, in {@code type} (0 where no updater moves the parameter). */
    public INDArray inverseSqrt(DataType type) {
        return Transforms.pow(divisor, -0.5, true).castTo(type);
    }

    /** Cohen et al. 2022's threshold on {@code η·λ_max(P⁻¹H)}: {@code (2 + 2β1)/(1 − β1)}, 38 at β1 = 0.9. */
    public double threshold() {
        return (2 + 2 * beta1) / (1 - beta1);
    }
}
